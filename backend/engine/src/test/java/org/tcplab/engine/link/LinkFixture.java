package org.tcplab.engine.link;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/** A link with no hosts: packets go in by hand, arrivals are recorded with their time. */
final class LinkFixture {

    record Arrival(long timeUs, Packet packet) {}

    final Scheduler scheduler = new Scheduler();
    final EventLog log = new EventLog();
    final List<Arrival> arrivals = new ArrayList<>();
    final FaultyLink link;
    private long nextId = 1;

    LinkFixture(LinkConfig config, long seed) {
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom jitter = root.split();
        SplittableRandom faults = root.split();
        link = new FaultyLink(
                r -> new SimulatedLink(config, scheduler, log, jitter, r),
                scheduler,
                log,
                faults,
                p -> arrivals.add(new Arrival(scheduler.nowUs(), p)),
                p -> p.withId(nextId++));
    }

    LinkFixture(LinkConfig config) {
        this(config, 42);
    }

    static LinkConfig latency(long us) {
        return new LinkConfig(us, 0, 0, 1500, 1000);
    }

    /** A real encoded IPv4+TCP packet of {@code payload} bytes from {@code from}. */
    Packet packet(HostName from, String connection, int payload, TcpFlag... flags) {
        Ipv4Address c = Ipv4Address.CLIENT_DEFAULT;
        Ipv4Address s = Ipv4Address.SERVER_DEFAULT;
        TcpSegment.Builder b = TcpSegment.builder(
                        from == HostName.CLIENT ? 40000 : 80, from == HostName.CLIENT ? 80 : 40000)
                .seq(1000)
                .window(65535)
                .payload(new byte[payload]);
        boolean ack = false;
        for (TcpFlag f : flags) ack |= f == TcpFlag.ACK;
        if (ack) b.ack(1);
        b.flags(flags);
        byte[] bytes = TcpCodec.encode(
                new TcpDatagram(from == HostName.CLIENT ? c : s, from == HostName.CLIENT ? s : c, b.build()));
        return new Packet(nextId++, from, connection, bytes);
    }

    Packet send(HostName from, int payload, TcpFlag... flags) {
        Packet p = packet(from, "1", payload, flags);
        link.transmit(p);
        return p;
    }

    Packet sendAt(long timeUs, HostName from, int payload, TcpFlag... flags) {
        scheduler.runUntil(timeUs);
        return send(from, payload, flags);
    }

    List<Long> arrivedIds() {
        return arrivals.stream().map(a -> a.packet().segmentId()).toList();
    }

    List<Long> arrivalTimes() {
        return arrivals.stream().map(Arrival::timeUs).toList();
    }

    <T extends LabEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LoggedEvent e : log.all()) {
            if (type.isInstance(e.event())) out.add(type.cast(e.event()));
        }
        return out;
    }

    void run() {
        if (!scheduler.runUntilIdle(1_000_000)) throw new AssertionError("link never went idle");
    }
}
