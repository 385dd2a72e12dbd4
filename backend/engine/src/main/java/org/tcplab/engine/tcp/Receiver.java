package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpOption;

/**
 * The receiving half of a connection (gVisor's rcv.go), owner of the receive sequence space
 * (RFC 9293 §3.3.1: RCV.NXT, RCV.WND, IRS): which segments are acceptable, in-order delivery to the
 * application, the out-of-order queue and the SACK blocks it yields (RFC 2018 §4), and when to
 * acknowledge (RFC 9293 §3.8.6.3 delayed ACK, RFC 5681 §4.2 immediate ACKs for out-of-order data).
 * RCV.WND is computed from the buffer, never stored.
 */
final class Receiver {

    private final Tcb t;

    /** IRS: the peer's initial sequence number (null before its SYN). */
    SeqNum irs;
    /** RCV.NXT: next sequence number expected on an incoming segment (left edge of the receive window). */
    SeqNum rcvNxt;
    /** TS.Recent (RFC 7323 §4.3): the TSval to echo. */
    int tsRecent;
    /** Last.ACK.sent (RFC 7323 §4.3): RCV.NXT in the last ACK we sent (null before the first). */
    private SeqNum lastAckSent;

    /** Whether the application reads (RECEIVE is issued continuously). */
    boolean reading = true;
    /** In-order bytes the application has not read yet; allocated on first use. */
    private ByteQueue held;
    /** Out-of-order segments above RCV.NXT, sorted, disjoint; allocated on first use. */
    private List<Chunk> ooo;

    private long arrivals;
    /** The peer's FIN, when it arrived ahead of data still missing. */
    private SeqNum pendingFin;
    /** An ACK must go out now (RFC 9293 §3.10.7.4 "send an acknowledgment"). */
    boolean ackNow;
    /** Full-sized segments received since our last ACK (delayed ACK: every second one is acked). */
    private int unacked;
    /** Bytes accepted in order (delivered or held). */
    long bytesReceived;
    /** The receive buffer's size: RCV.WND when the application has read everything. */
    private int capacity;

    private record Chunk(SeqNum seq, byte[] data, long arrival) {
        SeqNum end() {
            return seq.plus(data.length);
        }
    }

    Receiver(Tcb t) {
        this.t = t;
        this.capacity = Math.min(t.cfg.window(), 0xffff);
    }

    /** The peer's SYN at {@code seq}: IRS, and RCV.NXT just past the SYN (RFC 9293 §3.10.7.2/3). */
    void synArrived(SeqNum seq) {
        irs = seq;
        rcvNxt = seq.plus(1);
    }

    /** Options are known: with window scaling the buffer may exceed 64 KiB (RFC 7323 §2). */
    void negotiated(NegotiatedOptions o) {
        capacity = o.windowScaling() ? t.cfg.window() : Math.min(t.cfg.window(), 0xffff);
    }

    /** RCV.WND: the free space in the receive buffer. */
    long window() {
        return Math.max(0, capacity - (held == null ? 0 : held.size()));
    }

    /** RFC 7323 §2.3: the window field is RCV.WND shifted right by our scale (rounded down). */
    int windowField() {
        return (int) Math.min(window() >> t.options.rcvShift(), 0xffff);
    }

    /** RFC 7323 §2.2: "The window field in a segment where the SYN bit is set ... MUST NOT be scaled". */
    int synWindow() {
        return (int) Math.min(window(), 0xffff);
    }

    /**
     * The acceptability test of "first check sequence number" (RFC 9293 §3.10.7.4): the four cases
     * of segment length and receive window.
     */
    boolean acceptable(Incoming in) {
        long wnd = window();
        int segLen = in.segLen();
        if (segLen == 0) {
            return wnd == 0 ? in.seq.equals(rcvNxt) : in.seq.inWindow(rcvNxt, wnd);
        }
        return wnd != 0
                && (in.seq.inWindow(rcvNxt, wnd) || in.seq.plus(segLen - 1).inWindow(rcvNxt, wnd));
    }

    /**
     * RFC 7323 §4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval is
     * copied to TS.Recent".
     */
    void noteTimestamp(Incoming in) {
        if (t.options.timestamps()
                && in.ts != null
                && in.ts.tsVal() - tsRecent >= 0
                && (lastAckSent == null || in.seq.lessOrEqual(lastAckSent))) {
            tsRecent = in.ts.tsVal();
        }
    }

    /** "only the new parts are processed": trims what lies before RCV.NXT and beyond the window. */
    void trim(Incoming in) {
        in.trimTo(rcvNxt, window());
    }

    /** Seventh step: text at {@code seq} (already trimmed to the window). */
    void acceptText(long nowUs, SeqNum seq, byte[] data, int off, int len) {
        if (len == 0) return;
        if (seq.equals(rcvNxt)) {
            boolean hadHoles = ooo != null && !ooo.isEmpty();
            deliver(nowUs, data, off, len);
            rcvNxt = rcvNxt.plus(len);
            pullInOrder(nowUs);
            if (hadHoles) {
                ackNow = true; // RFC 5681 §4.2: ACK at once when a segment fills a gap
            } else if (!t.cfg.delayedAck() || ++unacked >= 2) {
                // RFC 9293 §3.8.6.3: "an ACK SHOULD be generated for at least every second full-sized segment"
                ackNow = true;
            } else if (!t.timers.armed(TimerKind.DELAYED_ACK)) {
                t.armTimer(nowUs, TimerKind.DELAYED_ACK, nowUs + t.cfg.delayedAckUs());
            }
            if (pendingFin != null && pendingFin.equals(rcvNxt)) {
                pendingFin = null;
                finReached(nowUs);
            }
        } else {
            // Out of order: keep it (RFC 9293 §3.10.7.4 seventh: segments beyond RCV.NXT are held) and
            // send a duplicate ACK at once (RFC 5681 §4.2), with SACK blocks if negotiated.
            insertOutOfOrder(seq, data, off, len);
            ackNow = true;
        }
    }

    /** Eighth step: the FIN at {@code finSeq}; processed only once everything before it is here. */
    void finArrived(long nowUs, SeqNum finSeq) {
        if (finSeq.equals(rcvNxt)) {
            pendingFin = null;
            finReached(nowUs);
        } else if (finSeq.greaterThan(rcvNxt)) {
            pendingFin = finSeq;
            ackNow = true;
        }
    }

    /** RCV.NXT reaches the peer's FIN: "advance RCV.NXT over the FIN" and acknowledge it. */
    private void finReached(long nowUs) {
        rcvNxt = rcvNxt.plus(1);
        ackNow = true;
        t.finReached(nowUs);
    }

    private void deliver(long nowUs, byte[] data, int off, int len) {
        bytesReceived += len;
        if (reading) {
            long total = t.owner.delivered(t, data, off, len);
            t.owner.events().emit(new LabEvent.DataDelivered(nowUs, t.id, t.owner.hostName(), len, total));
        } else {
            if (held == null) held = new ByteQueue();
            held.append(data, off, len);
        }
    }

    private void pullInOrder(long nowUs) {
        if (ooo == null) return;
        while (!ooo.isEmpty()) {
            Chunk c = ooo.get(0);
            if (c.end().lessOrEqual(rcvNxt)) {
                ooo.remove(0);
                continue;
            }
            if (c.seq.greaterThan(rcvNxt)) break;
            int skip = (int) rcvNxt.distanceFrom(c.seq);
            int n = c.data.length - skip;
            deliver(nowUs, c.data, skip, n);
            rcvNxt = rcvNxt.plus(n);
            ooo.remove(0);
        }
        if (ooo.isEmpty()) ooo = null;
    }

    private void insertOutOfOrder(SeqNum seq, byte[] data, int off, int len) {
        if (ooo == null) ooo = new ArrayList<>(4);
        long arrival = ++arrivals;
        SeqNum cursor = seq;
        SeqNum end = seq.plus(len);
        List<Chunk> pieces = new ArrayList<>(2);
        for (Chunk c : ooo) {
            if (c.end().lessOrEqual(cursor)) continue;
            if (!c.seq.lessThan(end)) break;
            if (c.seq.greaterThan(cursor)) pieces.add(piece(seq, data, off, cursor, c.seq, arrival));
            cursor = SeqNum.max(cursor, c.end());
        }
        if (cursor.lessThan(end)) pieces.add(piece(seq, data, off, cursor, end, arrival));
        ooo.addAll(pieces);
        ooo.sort((a, b) -> Long.compare(a.seq.distanceFrom(rcvNxt), b.seq.distanceFrom(rcvNxt)));
        if (pieces.isEmpty()) {
            // A duplicate of data already queued still counts as the latest arrival for SACK ordering.
            for (int i = 0; i < ooo.size(); i++) {
                Chunk c = ooo.get(i);
                if (c.seq.lessOrEqual(seq) && seq.lessThan(c.end())) ooo.set(i, new Chunk(c.seq, c.data, arrival));
            }
        }
    }

    private static Chunk piece(SeqNum seq, byte[] data, int off, SeqNum from, SeqNum to, long arrival) {
        int start = off + (int) from.distanceFrom(seq);
        int n = (int) to.distanceFrom(from);
        byte[] copy = new byte[n];
        System.arraycopy(data, start, copy, 0, n);
        return new Chunk(from, copy, arrival);
    }

    /**
     * RFC 2018 §4: "The first SACK block ... MUST specify the contiguous block of data containing the
     * segment which triggered this ACK"; the rest repeat the most recently reported blocks.
     */
    List<TcpOption.SackBlock> sackBlocks(int max) {
        if (ooo == null || ooo.isEmpty()) return List.of();
        record Run(int first, int last, long latest) {}
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < ooo.size(); i++) {
            Chunk c = ooo.get(i);
            Run prev = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (prev != null && ooo.get(prev.last).end().equals(c.seq)) {
                runs.set(runs.size() - 1, new Run(prev.first, i, Math.max(prev.latest, c.arrival)));
            } else {
                runs.add(new Run(i, i, c.arrival));
            }
        }
        runs.sort((a, b) -> Long.compare(b.latest, a.latest));
        List<TcpOption.SackBlock> out = new ArrayList<>(Math.min(max, runs.size()));
        for (int i = 0; i < runs.size() && i < max; i++) {
            Run r = runs.get(i);
            out.add(new TcpOption.SackBlock(
                    ooo.get(r.first).seq, ooo.get(r.last).end()));
        }
        return out;
    }

    /** RECEIVE switched on or off; switching on hands over what is buffered and reopens the window. */
    void setReading(long nowUs, boolean on) {
        reading = on;
        if (on && held != null && held.size() > 0) {
            byte[] all = held.copy(0, (int) held.size());
            held = null;
            long total = t.owner.delivered(t, all, 0, all.length);
            t.owner.events().emit(new LabEvent.DataDelivered(nowUs, t.id, t.owner.hostName(), all.length, total));
            // The window grew: tell the peer (a window update) so a sender stuck at zero resumes.
            if (t.state.synchronizedState()) ackNow = true;
        }
    }

    /** Any ACK we send carries the latest RCV.NXT, so the delayed-ACK debt is paid. */
    void ackSent(long nowUs) {
        lastAckSent = rcvNxt;
        ackNow = false;
        unacked = 0;
        t.cancelTimer(nowUs, TimerKind.DELAYED_ACK);
    }

    void release() {
        held = null;
        ooo = null;
    }
}
