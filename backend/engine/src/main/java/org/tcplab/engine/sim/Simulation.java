package org.tcplab.engine.sim;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScheduledTime;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.lab.Scripts;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.FaultyLink;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.link.Packet;
import org.tcplab.engine.link.SimulatedLink;
import org.tcplab.engine.link.Transmitter;
import org.tcplab.engine.quiz.QuizStatus;
import org.tcplab.engine.quiz.SegmentHold;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.stack.Rfc6528IsnSource;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.time.Wakeup;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;

/**
 * A simulated lab: two {@link TcpHost}s (client 192.0.2.1, server 192.0.2.2) joined by a link
 * with faults, driven by a discrete-event scheduler on a virtual clock. Deterministic: all
 * randomness comes from the seed, ties break by insertion order, nothing reads the wall clock.
 * Single-threaded; the owner serialises calls.
 *
 * <p>A {@link LabWorld}: every change is a {@link LabCommand} ({@link #apply}). User commands
 * happen at the current virtual time and do not advance it; time moves only through the time
 * commands ({@link LabCommand.RunUntilIdle}, {@link LabCommand.RunUntil}, {@link LabCommand.Step}).
 *
 * <p>The hosts are driven sans-I/O: after every user call and every delivery the host is polled
 * and what it returns goes onto the link as encoded bytes; each host has one wake-up scheduled at
 * its {@link TcpHost#pollAt()}, re-planned after each interaction.
 */
public final class Simulation implements LabWorld {

    private final SimConfig config;
    private final EventSink events;
    private final Scheduler scheduler = new Scheduler();
    private final LabConnectionNamer namer = new LabConnectionNamer();
    private final Map<HostName, TcpHost> hosts = new EnumMap<>(HostName.class);
    private final Map<HostName, Wakeup> wakes = new EnumMap<>(HostName.class);
    private final FaultyLink link;
    private final Scripts scripts;
    private final Commands commands = new Commands();
    private final Transmitter transmitter;

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
        for (TcpHost h : hosts.values()) wakes.put(h.name(), new Wakeup(scheduler, () -> pump(h)));
        LinkConfig linkConfig = LinkConfig.check(config.link());
        this.transmitter = new Transmitter(scheduler, events);
        this.link = new FaultyLink(
                receiver -> new SimulatedLink(linkConfig, scheduler, events, jitterRandom, receiver),
                scheduler,
                events,
                faultRandom,
                this::deliver,
                transmitter::copy);
        transmitter.onto(link);
        this.scripts = new Scripts(scheduler, events, this);
    }

    private TcpHost newHost(HostName name, Ipv4Address ip, TcpConfig tcp, SplittableRandom isnRandom) {
        byte[] key = new byte[16];
        isnRandom.nextBytes(key);
        // RFC 6528 §3: each host has its own secret key; here it comes from the lab's seed.
        return new TcpHost(name, ip, tcp, new Rfc6528IsnSource(key), namer, events);
    }

    @Override
    public QuizStatus quiz() {
        return transmitter.hold().status();
    }

    @Override
    public LabCapabilities capabilities() {
        return LabCapabilities.SIMULATION;
    }

    @Override
    public <R> R apply(LabCommand<R> command) {
        return InvalidArgumentException.required("command", command).applyTo(commands);
    }

    // ---- reads ----

    public SimConfig config() {
        return config;
    }

    @Override
    public long nowUs() {
        return scheduler.nowUs();
    }

    public TcpHost host(HostName name) {
        return hosts.get(InvalidArgumentException.required("host", name));
    }

    @Override
    public Ipv4Address address(HostName host) {
        return host(host).address();
    }

    @Override
    public TcpConfig tcp(HostName host) {
        return host(host).config();
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return host(host).listeners();
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return host(host).connections();
    }

    /** The lab's connection ids given so far, in order. */
    public List<String> connectionIds() {
        return namer.ids();
    }

    @Override
    public boolean knowsConnection(String connection) {
        return namer.ids().contains(connection);
    }

    /** Connection {@code id} as seen from {@code side}; InvalidArgumentException if unknown. */
    public ConnectionKey connectionKey(String connection, HostName side) {
        InvalidArgumentException.required("connection", connection);
        return namer.key(connection, host(side).address());
    }

    /** The lab connection id of a 4-tuple (either end's view), or null if it never appeared. */
    public String connectionOf(ConnectionKey key) {
        return namer.find(key);
    }

    /** What {@code side}'s application has read on the connection (the newest 64 KiB of it at most). */
    @Override
    public byte[] received(String connection, HostName side) {
        return host(side).received(connectionKey(connection, side));
    }

    /** How many bytes {@code side}'s application has read on the connection. */
    public long receivedTotal(String connection, HostName side) {
        return host(side).receivedTotal(connectionKey(connection, side));
    }

    /** SHA-256 (lower-case hex) of every byte {@code side}'s application has read on the connection. */
    public String receivedSha256(String connection, HostName side) {
        return host(side).receivedSha256(connectionKey(connection, side));
    }

    @Override
    public List<FaultRule> faults() {
        return link.rules();
    }

    @Override
    public LinkConfig link() {
        return link.config();
    }

    @Override
    public ScriptStatus script(int id) {
        return scripts.status(id);
    }

    /** The time of the next pending occurrence, or Long.MAX_VALUE. */
    @Override
    public long nextEventUs() {
        return scheduler.nextEventUs();
    }

    /** How many occurrences (deliveries, wake-ups, actions) have run: a measure of work done. */
    public long stepsRun() {
        return scheduler.executed();
    }

    /**
     * Runs {@code action} at virtual time {@code atUs} (not before now), in order with everything
     * else due then: for tests and benchmarks that script a run in Java (labs schedule commands with
     * {@link LabCommand.RunScript}). A refusal ({@link TcpUserException} or bad input) does not stop
     * the run: it becomes a {@code note} event.
     */
    public void schedule(long atUs, Runnable action) {
        InvalidArgumentException.required("action", action);
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

    // ---- the commands ----

    private final class Commands implements ScheduledTime {

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public SegmentHold hold() {
            return transmitter.hold();
        }

        @Override
        public void listen(LabCommand.Listen c) {
            TcpHost h = host(c.host());
            if (c.ifNotListening() && h.listeners().contains(c.port())) return;
            h.listen(nowUs(), c.port(), h.config().backlog());
            pump(h);
        }

        @Override
        public void unlisten(LabCommand.Unlisten c) {
            TcpHost h = host(c.host());
            h.unlisten(nowUs(), c.port());
            pump(h);
        }

        @Override
        public String connect(LabCommand.Connect c) {
            InvalidArgumentException.checkPort("localPort", c.localPort());
            TcpHost opener = host(c.from());
            TcpHost peer = host(c.from().other());
            ConnectionKey key = new ConnectionKey(opener.address(), c.localPort(), peer.address(), c.remotePort());
            if (c.simultaneous()) {
                // Both SYNs leave at the same instant; the peer's ISN is simply the one it opens with.
                opener.open(nowUs(), c.localPort(), peer.address(), c.remotePort(), c.isn());
                peer.open(nowUs(), c.remotePort(), opener.address(), c.localPort(), c.peerIsn());
            } else {
                if (c.peerIsn() != null) peer.pinIsn(key.reversed(), c.peerIsn());
                opener.open(nowUs(), c.localPort(), peer.address(), c.remotePort(), c.isn());
            }
            String id = namer.name(c.from(), key);
            pump(opener);
            pump(peer);
            return id;
        }

        @Override
        public void send(LabCommand.Send c) {
            TcpHost h = host(c.side());
            h.send(nowUs(), connectionKey(c.connection(), c.side()), c.data());
            pump(h);
        }

        @Override
        public void close(LabCommand.Close c) {
            TcpHost h = host(c.side());
            h.close(nowUs(), connectionKey(c.connection(), c.side()));
            pump(h);
        }

        @Override
        public void abort(LabCommand.Abort c) {
            TcpHost h = host(c.side());
            h.abort(nowUs(), connectionKey(c.connection(), c.side()));
            pump(h);
        }

        @Override
        public void setReading(LabCommand.SetReading c) {
            TcpHost h = host(c.side());
            h.setReading(nowUs(), connectionKey(c.connection(), c.side()), c.reading());
            pump(h);
        }

        /** The host forgets everything silently; packets already on the wire still arrive there. */
        @Override
        public void crash(LabCommand.Crash c) {
            TcpHost h = host(c.host());
            h.crash();
            pump(h);
        }

        @Override
        public long inject(LabCommand.Inject c) {
            HostName from = c.from();
            TcpHost h = host(from);
            TcpHost to = host(from.other());
            byte[] bytes = TcpCodec.encode(new TcpDatagram(h.address(), to.address(), c.segment()));
            String connection = namer.name(
                    from,
                    new ConnectionKey(
                            h.address(),
                            c.segment().srcPort(),
                            to.address(),
                            c.segment().dstPort()));
            long id = transmitter.nextId();
            Runnable enter = () -> transmitter.enter(id, from, connection, bytes, false, "crafted");
            if (c.delayUs() == 0) {
                enter.run();
            } else {
                scheduler.schedule(nowUs() + c.delayUs(), enter);
            }
            return id;
        }

        @Override
        public void pinIsn(LabCommand.PinIsn c) {
            TcpHost h = host(c.host());
            TcpHost peer = host(c.host().other());
            h.pinIsn(new ConnectionKey(h.address(), c.localPort(), peer.address(), c.remotePort()), c.isn());
        }

        @Override
        public FaultRule addFault(LabCommand.AddFault c) {
            return link.add(c.rule());
        }

        @Override
        public boolean removeFault(LabCommand.RemoveFault c) {
            return link.remove(c.id());
        }

        /** Applies to packets sent from now on. */
        @Override
        public void setLink(LabCommand.SetLink c) {
            link.configure(c.link());
        }

        @Override
        public int runScript(LabCommand.RunScript c) {
            return scripts.start(c);
        }
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
        wakes.get(host.name()).at(host.pollAt());
    }

    private void transmit(HostName from, Outbound o) {
        String connection = o.connection();
        if (connection == null) {
            TcpDatagram d = o.datagram();
            connection = namer.find(new ConnectionKey(
                    d.src(), d.segment().srcPort(), d.dst(), d.segment().dstPort()));
        }
        transmitter.send(from, o, connection);
    }

    private void deliver(Packet packet) {
        TcpHost to = hosts.get(packet.to());
        events.emit(new LabEvent.SegmentDelivered(nowUs(), packet.connection(), packet.segmentId(), packet.to()));
        to.receive(nowUs(), new Frame(packet.segmentId(), packet.connection(), packet.bytes()));
        pump(to);
    }
}
