package org.tcplab.engine.link;

import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.quiz.SegmentHold;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.wire.TcpCodec;

/**
 * Where a lab's segments enter its link: each gets its segment id (1, 2, ... in the order they are
 * sent), is logged as {@code segment.sent} and handed to the link, which may fault it (a duplicate's
 * copy comes back here, {@link #copy}, to be a segment of its own). The simulation and the TAP lab
 * put every segment on the wire through one, so ids and events mean the same in both.
 * Single-threaded.
 */
public final class Transmitter {

    private final Scheduler scheduler;
    private final EventSink events;
    private final SegmentHold hold;
    private Link link;
    private long lastId;

    /** Holds our stack's segments while the quiz is on; {@code scheduler} stands while one is held. */
    public Transmitter(Scheduler scheduler, EventSink events) {
        this.scheduler = scheduler;
        this.events = events;
        this.hold = new SegmentHold(
                scheduler::nowUs,
                events,
                h -> emit(nextId(), h.from(), h.connection(), h.packet(), h.retransmission(), h.probe(), null));
        scheduler.holdWhile(hold::holding);
    }

    /** Class mode's hold: our stack's segments wait here while the quiz is on. */
    public SegmentHold hold() {
        return hold;
    }

    /** The link segments go onto (set once it is built: a faulty link needs {@link #copy} first). */
    public void onto(Link link) {
        this.link = link;
    }

    /** Takes the next segment id (a crafted segment sent later keeps the id it got when asked for). */
    public long nextId() {
        return ++lastId;
    }

    /**
     * A segment our stack sends: encoded here, logged, sent; while the quiz is on it is held first
     * (and gets its id when it is released, so ids stay in the order of the log).
     */
    public void send(HostName from, Outbound o, String connection) {
        byte[] bytes = TcpCodec.encode(o.datagram());
        if (hold.hold(new SegmentHold.Held(from, connection, bytes, o.retransmission(), o.probe()))) return;
        emit(nextId(), from, connection, bytes, o.retransmission(), o.probe(), null);
    }

    /**
     * Bytes that enter the link as they are (a crafted segment, a frame from the Linux kernel);
     * {@code note} says what they are ({@code crafted}) or null. The event and the link share one
     * array (the link never writes to it; a corrupting fault flips a bit in a copy), so a payload is
     * held once, and its display view is built only where it is shown.
     */
    public void enter(long id, HostName from, String connection, byte[] bytes, boolean retransmission, String note) {
        emit(id, from, connection, bytes, retransmission, false, note);
    }

    private void emit(
            long id,
            HostName from,
            String connection,
            byte[] bytes,
            boolean retransmission,
            boolean probe,
            String note) {
        events.emit(new LabEvent.SegmentSent(
                scheduler.nowUs(), connection, id, from, from.other(), retransmission, probe, bytes, note));
        link.transmit(new Packet(id, from, connection, bytes));
    }

    /** A duplicate fault's copy: a segment of its own, logged as sent with note "duplicate". */
    public Packet copy(Packet original) {
        long id = nextId();
        events.emit(new LabEvent.SegmentSent(
                scheduler.nowUs(),
                original.connection(),
                id,
                original.from(),
                original.to(),
                false,
                false,
                original.bytes(),
                "duplicate"));
        return original.withId(id);
    }
}
