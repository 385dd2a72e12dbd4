package org.tcplab.engine.tcp;

import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * The segment being processed (RFC 9293 §3.10.7.4), trimmed as the first check says: SYN and FIN
 * and the data range may shrink as parts of it turn out to be old or beyond the window. Lives for
 * one arrival only.
 */
final class Incoming {
    private static final byte[] EMPTY = new byte[0];

    final TcpSegment raw;
    SeqNum seq;
    boolean syn;
    boolean fin;
    final boolean ack;
    final boolean rst;
    /** SEG.ACK, or null without ACK. */
    final SeqNum ackNo;
    /** The window field as sent (not yet scaled). */
    final int window;

    final byte[] data;
    int off;
    int len;
    /** The timestamps option, or null. */
    final TcpOption.Timestamps ts;

    Incoming(TcpSegment s) {
        raw = s;
        seq = s.seq();
        syn = s.flags().syn();
        fin = s.flags().fin();
        ack = s.flags().ack();
        rst = s.flags().rst();
        ackNo = s.ackNumber().orElse(null);
        window = s.window();
        data = s.payloadLength() == 0 ? EMPTY : s.payload();
        len = data.length;
        ts = s.options().isEmpty() ? null : s.option(TcpOption.Timestamps.class).orElse(null);
    }

    /** SEG.LEN: data plus one for each of SYN and FIN. */
    int segLen() {
        return len + (syn ? 1 : 0) + (fin ? 1 : 0);
    }

    /** Sequence number of the first data byte. */
    SeqNum dataSeq() {
        return syn ? seq.plus(1) : seq;
    }

    void dropSyn() {
        if (syn) {
            syn = false;
            seq = seq.plus(1);
        }
    }

    /** Keeps only the part within [rcvNxt, rcvNxt + wnd) (a FIN past the window is dropped too). */
    void trimTo(SeqNum rcvNxt, long wnd) {
        if (seq.lessThan(rcvNxt)) {
            long before = rcvNxt.distanceFrom(seq);
            if (syn) {
                syn = false;
                before--;
                seq = seq.plus(1);
            }
            int cut = (int) Math.min(before, len);
            off += cut;
            len -= cut;
            seq = seq.plus(cut);
            if (before > cut && fin) fin = false; // the FIN itself is old
        }
        long room = wnd - seq.distanceFrom(rcvNxt) - (syn ? 1 : 0);
        if (len > room) {
            len = (int) Math.max(room, 0);
            fin = false;
        }
    }
}
