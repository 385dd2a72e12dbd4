package org.tcplab.engine.tcp;

import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * What the two SYNs agreed (RFC 9293 §3.7.1, RFC 7323 §2.2 and §3.2, RFC 2018 §2): fixed once the
 * peer's SYN has been read.
 *
 * @param peerMss the MSS the peer announced (536 if it sent none, RFC 9293 §3.7.1)
 * @param effMss min(peer's MSS, ours): the largest payload plus options we put in one segment
 * @param sndShift shift applied to windows the peer sends us (its WS option), 0 without scaling
 * @param rcvShift shift applied to windows we send (our WS option), 0 without scaling
 * @param windowScaling both SYNs carried WS (RFC 7323 §2.2)
 * @param sack both SYNs carried SACK-permitted (RFC 2018 §2)
 * @param timestamps both SYNs carried timestamps (RFC 7323 §3.2)
 */
record NegotiatedOptions(
        int peerMss, int effMss, int sndShift, int rcvShift, boolean windowScaling, boolean sack, boolean timestamps) {

    /** Before the peer's SYN: RFC 9293 §3.7.1's default MSS of 536 and no options. */
    static NegotiatedOptions beforeSyn(TcpConfig cfg) {
        return new NegotiatedOptions(536, Math.min(cfg.mss(), 536), 0, 0, false, false, false);
    }

    /** Reads the peer's SYN against our settings. */
    static NegotiatedOptions of(TcpSegment syn, TcpConfig cfg) {
        int peerMss = 536;
        TcpOption.WindowScale ws = null;
        boolean sackPermitted = false;
        boolean timestamps = false;
        for (TcpOption o : syn.options()) {
            if (o instanceof TcpOption.MaxSegmentSize m) peerMss = m.mss();
            else if (o instanceof TcpOption.WindowScale w) ws = w;
            else if (o instanceof TcpOption.SackPermitted) sackPermitted = true;
            else if (o instanceof TcpOption.Timestamps) timestamps = true;
        }
        boolean scaling = cfg.windowScale() > 0 && ws != null;
        return new NegotiatedOptions(
                peerMss,
                Math.max(1, Math.min(peerMss, cfg.mss())),
                // RFC 7323 §2.3: shifts above 14 are used as 14.
                scaling ? Math.min(ws.shift(), 14) : 0,
                scaling ? Math.min(cfg.windowScale(), 14) : 0,
                scaling,
                cfg.sack() && sackPermitted,
                cfg.timestamps() && timestamps);
    }

    /** The largest payload one segment may carry: the effective MSS less the options every segment carries (RFC 9293 §3.7.1). */
    int payloadCap() {
        return Math.max(1, effMss - (timestamps ? 12 : 0));
    }
}
