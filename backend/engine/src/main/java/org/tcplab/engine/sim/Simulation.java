package org.tcplab.engine.sim;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.FaultyLink;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.link.Packet;
import org.tcplab.engine.link.SimulatedLink;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.stack.Rfc6528IsnSource;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.engine.wire.WireSegment;

/**
 * A simulated lab: two {@link TcpHost}s (client 192.0.2.1, server 192.0.2.2) joined by a link
 * with faults, driven by a discrete-event scheduler on a virtual clock. Deterministic: all
 * randomness comes from the seed, ties break by insertion order, nothing reads the wall clock.
 * Single-threaded; the owner serialises calls.
 *
 * <p>User actions happen at the current virtual time and do not advance it; time moves only
 * through {@link #runUntilIdle}, {@link #runUntil} and {@link #step}.
 *
 * <p>The hosts are driven sans-I/O: after every user call and every delivery the host is polled
 * and what it returns goes onto the link as encoded bytes; each host has one wake-up scheduled at
 * its {@link TcpHost#pollAt()}, re-planned after each interaction.
 */
public final class Simulation {

    private final SimConfig config;
    private final EventSink events;
    private final Scheduler scheduler = new Scheduler();
    private final LabConnectionNamer namer = new LabConnectionNamer();
    private final Map<HostName, TcpHost> hosts = new EnumMap<>(HostName.class);
    private final Map<HostName, Scheduler.Handle> wakes = new EnumMap<>(HostName.class);
    private final FaultyLink link;
    private long nextSegmentId = 1;

    public Simulation(SimConfig config, EventSink events) {
        this.config = config;
        this.events = events;
        // One independent stream per purpose, so adding a fault does not shift the ISNs or jitter.
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom isnRandom = root.split();
        SplittableRandom jitterRandom = root.split();
        SplittableRandom faultRandom = root.split();
        hosts.put(HostName.CLIENT, newHost(HostName.CLIENT, config.clientIp(), config.client(), isnRandom));
        hosts.put(HostName.SERVER, newHost(HostName.SERVER, config.serverIp(), config.server(), isnRandom));
        LinkConfig linkConfig = checked(config.link());
        this.link = new FaultyLink(
                receiver -> new SimulatedLink(linkConfig, scheduler, events, jitterRandom, receiver),
                scheduler,
                events,
                faultRandom,
                this::deliver,
                this::copy);
    }

    private TcpHost newHost(HostName name, Ipv4Address ip, TcpConfig tcp, SplittableRandom isnRandom) {
        byte[] key = new byte[16];
        isnRandom.nextBytes(key);
        // RFC 6528 §3: each host has its own secret key; here it comes from the lab's seed.
        return new TcpHost(name, ip, tcp, new Rfc6528IsnSource(key), namer, events);
    }

    public SimConfig config() {
        return config;
    }

    public long nowUs() {
        return scheduler.nowUs();
    }

    public TcpHost host(HostName name) {
        return hosts.get(requireHost(name));
    }

    /** The lab's connection ids given so far, in order. */
    public List<String> connectionIds() {
        return namer.ids();
    }

    /** Connection {@code id} as seen from {@code side}; IllegalArgumentException if unknown. */
    public ConnectionKey connectionKey(String connection, HostName side) {
        if (connection == null) throw new IllegalArgumentException("connection is required");
        return namer.key(connection, host(side).address());
    }

    /** The lab connection id of a 4-tuple (either end's view), or null if it never appeared. */
    public String connectionOf(ConnectionKey key) {
        return namer.find(key);
    }

    /** Every byte {@code side}'s application has read on the connection. */
    public byte[] received(String connection, HostName side) {
        return host(side).received(connectionKey(connection, side));
    }

    public void listen(HostName host, int port) {
        checkPort("port", port);
        TcpHost h = host(host);
        h.listen(nowUs(), port, h.config().backlog());
        pump(h);
    }

    public void unlisten(HostName host, int port) {
        checkPort("port", port);
        TcpHost h = host(host);
        h.unlisten(nowUs(), port);
        pump(h);
    }

    /**
     * Opens a connection from {@code from}:{@code localPort} to the other host's {@code remotePort}
     * and returns its lab connection id ("1", "2", ...). {@code isn} and {@code peerIsn} fix the two
     * ISNs (null: from the seed). With {@code simultaneous}, the other host opens actively at the
     * same instant from {@code remotePort} to {@code localPort} (RFC 9293 figure 7).
     */
    public String connect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        checkPort("localPort", localPort);
        checkPort("remotePort", remotePort);
        TcpHost opener = host(from);
        TcpHost peer = host(from.other());
        ConnectionKey key = new ConnectionKey(opener.address(), localPort, peer.address(), remotePort);
        if (simultaneous) {
            // Both SYNs leave at the same instant; the peer's ISN is simply the one it opens with.
            opener.open(nowUs(), localPort, peer.address(), remotePort, isn);
            peer.open(nowUs(), remotePort, opener.address(), localPort, peerIsn);
        } else {
            if (peerIsn != null) peer.pinIsn(key.reversed(), peerIsn);
            opener.open(nowUs(), localPort, peer.address(), remotePort, isn);
        }
        String id = namer.name(from, key);
        pump(opener);
        pump(peer);
        return id;
    }

    public void send(String connection, HostName side, byte[] data) {
        if (data == null) throw new IllegalArgumentException("data is required");
        TcpHost h = host(side);
        h.send(nowUs(), connectionKey(connection, side), data);
        pump(h);
    }

    public void close(String connection, HostName side) {
        TcpHost h = host(side);
        h.close(nowUs(), connectionKey(connection, side));
        pump(h);
    }

    public void abort(String connection, HostName side) {
        TcpHost h = host(side);
        h.abort(nowUs(), connectionKey(connection, side));
        pump(h);
    }

    public void setReading(String connection, HostName side, boolean reading) {
        TcpHost h = host(side);
        h.setReading(nowUs(), connectionKey(connection, side), reading);
        pump(h);
    }

    /** The host forgets everything silently; packets already on the wire still arrive there. */
    public void crash(HostName host) {
        TcpHost h = host(host);
        h.crash();
        pump(h);
    }

    /**
     * A crafted segment enters the link after {@code delayUs} as if {@code from} sent it; returns its
     * segment id. The id is taken when the call is made, so with a delay other segments sent in the
     * meantime get higher ids although they enter the link first.
     */
    public long inject(HostName from, TcpSegment segment, long delayUs) {
        if (segment == null) throw new IllegalArgumentException("segment is required");
        if (delayUs < 0) throw new IllegalArgumentException("delayMs must not be negative: " + delayUs);
        TcpHost h = host(from);
        TcpHost to = host(from.other());
        byte[] bytes = TcpCodec.encode(new TcpDatagram(h.address(), to.address(), segment));
        String connection =
                namer.name(from, new ConnectionKey(h.address(), segment.srcPort(), to.address(), segment.dstPort()));
        long id = nextSegmentId++;
        if (delayUs == 0) {
            enter(id, from, connection, bytes, false, "crafted");
        } else {
            scheduler.schedule(nowUs() + delayUs, () -> enter(id, from, connection, bytes, false, "crafted"));
        }
        return id;
    }

    /**
     * Runs {@code action} at virtual time {@code atUs} (not before now), in order with everything else
     * due then. Scenarios are compiled into such actions, so every clock mode plays them the same.
     * An action the lab's state forbids (a {@link TcpUserException} or bad input) does not stop the
     * run: it becomes a {@code note} event.
     */
    public void schedule(long atUs, Runnable action) {
        if (action == null) throw new IllegalArgumentException("action is required");
        if (atUs < nowUs()) {
            throw new IllegalArgumentException(
                    "cannot schedule at " + atUs + " us: the clock is at " + nowUs() + " us");
        }
        scheduler.schedule(atUs, () -> {
            try {
                action.run();
            } catch (TcpUserException | IllegalArgumentException e) {
                events.emit(new LabEvent.Note(nowUs(), null, "scheduled action failed: " + e.getMessage()));
            }
        });
    }

    /** Adds a rule (its id is assigned here) and returns it. */
    public FaultRule addFault(FaultRule rule) {
        if (rule == null) throw new IllegalArgumentException("fault is required");
        return link.add(rule);
    }

    public boolean removeFault(int id) {
        return link.remove(id);
    }

    public List<FaultRule> faults() {
        return link.rules();
    }

    public LinkConfig link() {
        return link.config();
    }

    /** Applies to packets sent from now on. */
    public void setLink(LinkConfig newLink) {
        link.configure(checked(newLink));
    }

    /** Runs until nothing is pending (timers included). Returns false if {@code maxSteps} ran out first. */
    public boolean runUntilIdle(long maxSteps) {
        return scheduler.runUntilIdle(maxSteps);
    }

    /** Runs everything due up to and including {@code timeUs}, then sets the clock to it. */
    public void runUntil(long timeUs) {
        scheduler.runUntil(timeUs);
    }

    /** Runs the next pending occurrence (a delivery or a timer); false if nothing is pending. */
    public boolean step() {
        return scheduler.step();
    }

    /** The time of the next pending occurrence, or Long.MAX_VALUE. */
    public long nextEventUs() {
        return scheduler.nextEventUs();
    }

    /** How many occurrences (deliveries, wake-ups, actions) have run: a measure of work done. */
    public long stepsRun() {
        return scheduler.executed();
    }

    // ---- driving the hosts ----

    /** Polls the host, puts what it returns on the wire, and re-plans its wake-up. */
    private void pump(TcpHost host) {
        List<Outbound> out = host.poll(nowUs());
        for (Outbound o : out) {
            transmit(host.name(), o);
        }
        replan(host);
    }

    private void replan(TcpHost host) {
        long at = host.pollAt();
        Scheduler.Handle wake = wakes.get(host.name());
        if (at == Long.MAX_VALUE) {
            if (wake != null) wake.cancel();
            wakes.remove(host.name());
            return;
        }
        at = Math.max(at, nowUs());
        if (wake != null && wake.pending() && wake.atUs() == at) return;
        if (wake != null) wake.cancel();
        wakes.put(host.name(), scheduler.schedule(at, () -> pump(host)));
    }

    private void transmit(HostName from, Outbound o) {
        byte[] bytes = TcpCodec.encode(o.datagram());
        String connection = o.connection();
        if (connection == null) {
            TcpDatagram d = o.datagram();
            connection = namer.find(new ConnectionKey(
                    d.src(), d.segment().srcPort(), d.dst(), d.segment().dstPort()));
        }
        enter(
                nextSegmentId++,
                from,
                connection,
                bytes,
                TcpCodec.describeEncoded(bytes, o.datagram()),
                o.retransmission(),
                o.probe(),
                null);
    }

    private void enter(long id, HostName from, String connection, byte[] bytes, boolean retransmission, String note) {
        enter(id, from, connection, bytes, TcpCodec.describe(bytes), retransmission, false, note);
    }

    private void enter(
            long id,
            HostName from,
            String connection,
            byte[] bytes,
            WireSegment view,
            boolean retransmission,
            boolean probe,
            String note) {
        events.emit(new LabEvent.SegmentSent(
                nowUs(), connection, id, from, from.other(), retransmission, probe, view, note));
        link.transmit(new Packet(id, from, connection, bytes));
    }

    /** A duplicate fault's copy: a segment of its own, logged as sent with note "duplicate". */
    private Packet copy(Packet original) {
        long id = nextSegmentId++;
        events.emit(new LabEvent.SegmentSent(
                nowUs(),
                original.connection(),
                id,
                original.from(),
                original.to(),
                false,
                false,
                TcpCodec.describe(original.bytes()),
                "duplicate"));
        return original.withId(id);
    }

    private void deliver(Packet packet) {
        TcpHost to = hosts.get(packet.to());
        events.emit(new LabEvent.SegmentDelivered(nowUs(), packet.connection(), packet.segmentId(), packet.to()));
        to.receive(nowUs(), new Frame(packet.segmentId(), packet.connection(), packet.bytes()));
        pump(to);
    }

    private static HostName requireHost(HostName name) {
        if (name == null) throw new IllegalArgumentException("host is required");
        return name;
    }

    private static void checkPort(String field, int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException(field + " must be 1..65535: " + port);
    }

    private static LinkConfig checked(LinkConfig l) {
        if (l == null) throw new IllegalArgumentException("link is required");
        if (l.latencyUs() < 0) throw new IllegalArgumentException("link.latencyMs must not be negative");
        if (l.jitterUs() < 0) throw new IllegalArgumentException("link.jitterMs must not be negative");
        if (l.bandwidthKbps() < 0) throw new IllegalArgumentException("link.bandwidthKbps must not be negative");
        if (l.mtu() < 68) throw new IllegalArgumentException("link.mtu must be at least 68 (RFC 791): " + l.mtu());
        if (l.queuePackets() < 0) throw new IllegalArgumentException("link.queuePackets must not be negative");
        return l;
    }
}
