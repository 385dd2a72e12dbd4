package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpOption;

/**
 * The receiving half of a connection (gVisor's rcv.go): in-order delivery to the application, the
 * out-of-order queue and the SACK blocks it yields (RFC 2018 §4), the receive window (RCV.WND, with
 * the application able to stop reading), and when to acknowledge (RFC 9293 §3.8.6.3 delayed ACK,
 * RFC 5681 §4.2 immediate ACKs for out-of-order data).
 */
final class Receiver {

    private final Tcb t;
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

    /** Options are known: with window scaling the buffer may exceed 64 KiB (RFC 7323 §2). */
    void negotiated() {
        capacity = t.wsOk ? t.cfg.window() : Math.min(t.cfg.window(), 0xffff);
    }

    int capacity() {
        return capacity;
    }

    /** RCV.WND: the free space in the receive buffer. */
    long window() {
        return Math.max(0, capacity - (held == null ? 0 : held.size()));
    }

    /** Seventh step: text at {@code seq} (already trimmed to the window). */
    void acceptText(long nowUs, SeqNum seq, byte[] data, int off, int len) {
        if (len == 0) return;
        if (seq.equals(t.rcvNxt)) {
            boolean hadHoles = ooo != null && !ooo.isEmpty();
            deliver(nowUs, data, off, len);
            t.rcvNxt = t.rcvNxt.plus(len);
            pullInOrder(nowUs);
            if (hadHoles) {
                ackNow = true; // RFC 5681 §4.2: ACK at once when a segment fills a gap
            } else if (!t.cfg.delayedAck() || ++unacked >= 2) {
                ackNow = true; // RFC 9293 §3.8.6.3: "an ACK SHOULD be generated for at least every second full-sized
                // segment"
            } else if (!t.timers.armed(TimerKind.DELAYED_ACK)) {
                t.armTimer(nowUs, TimerKind.DELAYED_ACK, nowUs + t.cfg.delayedAckUs());
            }
            if (pendingFin != null && pendingFin.equals(t.rcvNxt)) {
                pendingFin = null;
                t.finReached(nowUs);
            }
        } else {
            // Out of order: keep it (RFC 9293 §3.10.7.4 seventh: segments beyond RCV.NXT are held) and
            // send a duplicate ACK at once (RFC 5681 §4.2), with SACK blocks if negotiated.
            insertOutOfOrder(seq, data, off, len);
            ackNow = true;
        }
        t.rcvWnd = window();
    }

    /** Eighth step: the FIN at {@code finSeq}; processed only once everything before it is here. */
    void finArrived(long nowUs, SeqNum finSeq) {
        if (finSeq.equals(t.rcvNxt)) {
            pendingFin = null;
            t.finReached(nowUs);
        } else if (finSeq.greaterThan(t.rcvNxt)) {
            pendingFin = finSeq;
            ackNow = true;
        }
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
            if (c.end().lessOrEqual(t.rcvNxt)) {
                ooo.remove(0);
                continue;
            }
            if (c.seq.greaterThan(t.rcvNxt)) break;
            int skip = (int) t.rcvNxt.distanceFrom(c.seq);
            int n = c.data.length - skip;
            deliver(nowUs, c.data, skip, n);
            t.rcvNxt = t.rcvNxt.plus(n);
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
        ooo.sort((a, b) -> Long.compare(a.seq.distanceFrom(t.rcvNxt), b.seq.distanceFrom(t.rcvNxt)));
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
        List<long[]> ranges = new ArrayList<>(); // index of first chunk, index of last chunk, latest arrival
        for (int i = 0; i < ooo.size(); i++) {
            Chunk c = ooo.get(i);
            if (!ranges.isEmpty()
                    && ooo.get((int) ranges.get(ranges.size() - 1)[1]).end().equals(c.seq)) {
                long[] r = ranges.get(ranges.size() - 1);
                r[1] = i;
                r[2] = Math.max(r[2], c.arrival);
            } else {
                ranges.add(new long[] {i, i, c.arrival});
            }
        }
        ranges.sort((a, b) -> Long.compare(b[2], a[2]));
        List<TcpOption.SackBlock> out = new ArrayList<>(Math.min(max, ranges.size()));
        for (int i = 0; i < ranges.size() && i < max; i++) {
            long[] r = ranges.get(i);
            out.add(new TcpOption.SackBlock(
                    ooo.get((int) r[0]).seq, ooo.get((int) r[1]).end()));
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
            t.rcvWnd = window();
            // The window grew: tell the peer (a window update) so a sender stuck at zero resumes.
            if (t.state.synchronizedState()) ackNow = true;
        }
    }

    /** Any ACK we send carries the latest RCV.NXT, so the delayed-ACK debt is paid. */
    void ackSent(long nowUs) {
        ackNow = false;
        unacked = 0;
        t.cancelTimer(nowUs, TimerKind.DELAYED_ACK);
    }

    void release() {
        held = null;
        ooo = null;
    }
}
