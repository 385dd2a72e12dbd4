package org.tcplab.tap;

import static org.tcplab.engine.InvalidArgumentException.required;

import java.net.Socket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.ObservedSide;
import org.tcplab.engine.lab.ScheduledTime;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.lab.TapInfo;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.FaultyLink;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.link.Packet;
import org.tcplab.engine.link.RetransmissionDetector;
import org.tcplab.engine.link.SimulatedLink;
import org.tcplab.engine.link.Transmitter;
import org.tcplab.engine.quiz.QuizStatus;
import org.tcplab.engine.quiz.SegmentHold;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.IsnSource;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.LabClock;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.time.Wakeup;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A TAP lab: our {@link org.tcplab.engine.stack.TcpHost} on one end of a TAP device, the Linux
 * kernel of a private network namespace on the other. A {@link org.tcplab.engine.lab.LabWorld}:
 * the commands act on our stack or on a real Linux socket ({@link LinuxHost}) depending on the side
 * they name.
 *
 * <p>It runs on the engine's own parts: a {@link Scheduler} on real time ({@link LabClock}, a
 * {@link WallClock} unless a test drives one by hand) holds our host's wake-up, the link's
 * deliveries, fault delays and the observation of Linux's states; the wire is the engine's
 * {@link FaultyLink} around a {@link SimulatedLink} (no added latency unless {@code SetLink} asks
 * for some), so a fault rule means exactly what it means in the simulation. At the far end of the
 * link a segment for us enters our host; a segment for Linux is written to the device
 * ({@link TapLink}). Linux's frames are parsed once, by {@link TcpCodec}.
 *
 * <p>Threading: one driver thread owns all of that and the event sink. It waits in {@code poll(2)}
 * on the device and an eventfd until a frame, a command or the scheduler's next occurrence is due.
 * Commands and reads from other threads are handed to it ({@link ConfinedExecutor}) and awaited, so
 * their exceptions reach the caller; every event is emitted from the driver thread, in order.
 *
 * <p>Events: every TCP frame crossing the tap is a {@code segment.sent} from its sender and a
 * {@code segment.delivered} to its receiver (or {@code segment.dropped} by a fault), with one
 * segment id for both. Linux's states come from the kernel's socket table every
 * {@code procPollUs} ({@link LinuxObserver}), with cause {@value #OBSERVED}. Where Linux's
 * segments or states differ from the RFCs and our stack, a {@code narration} event (step
 * {@code linux:*}) says so right after them ({@link LinuxDifferences}).
 */
public final class TapLab implements KernelLab {

    /**
     * The cause of Linux's state events: what the kernel's TCP table said when we looked. That is
     * the table /proc/net/tcp prints; we read it with sock_diag (what {@code ss} uses) and fall back
     * to /proc/net/tcp, so the text names the table rather than one way of reading it.
     */
    public static final String OBSERVED =
            "observed in the kernel's TCP table (sock_diag, as ss and /proc/net/tcp show it)";

    /** The link a tap lab starts with: no added latency, jitter or bandwidth limit; Ethernet's MTU. */
    public static final LinkConfig DIRECT = new LinkConfig(0, 0, 0, 1500, 1000);

    private static final LabCapabilities CAPABILITIES = new LabCapabilities(true, true, true, true, false);
    private static final int READ_BUDGET = 256;
    private static final long CLOSE_WAIT_MS = 10_000;

    private final TapLabConfig config;
    private final EventSink events;
    private final TapLink link;
    private final HostName ours;
    private final HostName linux;
    private final LabClock clock;
    private final Scheduler scheduler;
    private final ConfinedExecutor executor;
    private final StackHost host;
    private final Wakeup hostWakeup;
    private final FaultyLink wire;
    private final Transmitter transmitter;
    private final ConnectionIds ids = new ConnectionIds();
    private final LinuxHost linuxHost;
    private final Map<String, TcpState> linuxStates = new ConcurrentHashMap<>();
    private final RetransmissionDetector linuxRetransmissions = new RetransmissionDetector();
    private final LinuxObserver observer;
    private final Wakeup observation;
    /** Linux's frames as parsed when they came off the device, until delivered (bounded: drops never are). */
    private final Map<Long, Parsed> parsed = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Parsed> eldest) {
            return size() > 4096;
        }
    };

    private record Parsed(byte[] bytes, TcpDatagram datagram) {}

    /** Segments a corrupt fault spoiled on their way to Linux, which drops them without a word. */
    private final Set<Long> corrupted = new HashSet<>();

    private final Commands commands = new Commands();
    private final Thread driver;
    private final long closeWaitMs;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private int nextEphemeral = 49152;

    private TapLab(
            TapLabConfig config,
            EventSink events,
            TapLink link,
            StackHost.Factory hosts,
            LabClock clock,
            long closeWaitMs) {
        this.config = config;
        this.link = link;
        this.clock = clock;
        this.closeWaitMs = closeWaitMs;
        this.ours = "server".equals(config.linuxSide()) ? HostName.CLIENT : HostName.SERVER;
        this.linux = ours.other();
        // Every event passes LinuxDifferences, which narrates where Linux departs from the RFCs and our stack.
        this.events = new LinuxDifferences(events, linux, config.tcp(), LinuxDifferences.readSysctls(link.namespace()));
        this.scheduler = new Scheduler(clock);
        this.executor = new ConfinedExecutor("the TAP lab " + link.namespace().name(), link::wake, 30_000);
        long secret = new SecureRandom().nextLong();
        // RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock.
        IsnSource isns = (nowUs, key) -> SeqNum.of(nowUs / 4 + mix(secret ^ key.hashCode()));
        this.host =
                hosts.create(ours, config.ourIp(), config.tcp(), isns, (h, key) -> register(key), this::fromOurHost);
        this.hostWakeup = Wakeup.mayComeEarly(scheduler, this::pump);
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom jitter = root.split();
        SplittableRandom faults = root.split();
        EventSink wireEvents = e -> {
            if (e instanceof LabEvent.FaultApplied f && f.action().equals("corrupt")) corrupted.add(f.segmentId());
            this.events.emit(e);
        };
        this.transmitter = new Transmitter(scheduler, this.events);
        this.wire = new FaultyLink(
                receiver -> new SimulatedLink(DIRECT, scheduler, wireEvents, jitter, receiver),
                scheduler,
                wireEvents,
                faults,
                this::deliver,
                transmitter::copy);
        transmitter.onto(wire);
        this.linuxHost = new LinuxHost(
                link.namespace(),
                config.linuxIp(),
                LinuxConnection.Listener.events(linux, executor, clock, this.events),
                linuxKey -> accepted(linuxKey));
        this.observer = new LinuxObserver(link.namespace(), config.linuxIp());
        this.observation = new Wakeup(scheduler, this::observeLinux);
        this.driver =
                new Thread(this::drive, "tcplab-tap-driver-" + link.namespace().name());
        driver.setDaemon(true);
    }

    /**
     * Creates the namespace and device and starts the driver. Throws {@link TapException} (with the
     * reason) if the machine cannot; check {@link TapSupport#check()} first for a friendlier answer.
     */
    public static TapLab start(TapLabConfig config, EventSink events) {
        if ("both".equals(config.linuxSide())) {
            throw new InvalidArgumentException(
                    "linuxSide", "linuxSide both has no TAP: use KernelLab.start or LinuxPairLab");
        }
        return start(config, events, StackHost.ENGINE, new WallClock(), CLOSE_WAIT_MS);
    }

    static TapLab start(TapLabConfig config, EventSink events, StackHost.Factory hosts) {
        return start(config, events, hosts, new WallClock(), CLOSE_WAIT_MS);
    }

    /** With a clock and a close timeout of the test's choosing. */
    static TapLab start(
            TapLabConfig config, EventSink events, StackHost.Factory hosts, LabClock clock, long closeWaitMs) {
        TapLink link = TapLink.open(config);
        TapLab lab;
        try {
            lab = new TapLab(config, events, link, hosts, clock, closeWaitMs);
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
        lab.driver.start();
        return lab;
    }

    // ---- the world's reads ------------------------------------------------------------------

    @Override
    public QuizStatus quiz() {
        return executor.command(transmitter.hold()::status);
    }

    @Override
    public LabCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TapLabConfig config() {
        return config;
    }

    public HostName ourHost() {
        return ours;
    }

    public HostName linuxHost() {
        return linux;
    }

    /** Microseconds since the lab started (the events' clock). */
    @Override
    public long nowUs() {
        return clock.nowUs();
    }

    @Override
    public long nextEventUs() {
        return executor.command(scheduler::nextEventUs);
    }

    @Override
    public Ipv4Address address(HostName host) {
        return required("host", host) == ours ? config.ourIp() : config.linuxIp();
    }

    @Override
    public TcpConfig tcp(HostName host) {
        return required("host", host) == ours ? config.tcp() : null;
    }

    @Override
    public List<Integer> listeners(HostName h) {
        return required("host", h) == ours ? executor.command(host::listeners) : linuxHost.listeners();
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName h) {
        return required("host", h) == ours ? executor.command(host::connections) : List.of();
    }

    /** Our stack's connections (a copy, taken on the driver thread). */
    public List<ConnectionSnapshot> ourConnections() {
        return connections(ours);
    }

    /** Linux's side of every connection it has, as last observed; its ports from the 4-tuple. */
    @Override
    public List<ObservedSide> observed(HostName h) {
        if (required("host", h) == ours) return List.of();
        List<ObservedSide> out = new ArrayList<>();
        for (String c : ids.ids()) {
            TcpState state = linuxStates.get(c);
            if (state == null || state == TcpState.CLOSED) continue;
            ConnectionKey key = ids.key(c);
            out.add(new ObservedSide(c, state, key.remotePort(), key.localPort(), OBSERVED));
        }
        return out;
    }

    @Override
    public boolean knowsConnection(String connection) {
        return ids.contains(connection);
    }

    /** Linux's last observed state of a connection (CLOSED once the kernel no longer has it). */
    public TcpState linuxState(String connection) {
        return linuxStates.getOrDefault(connection, TcpState.CLOSED);
    }

    /** Our stack's state of a connection, CLOSED if it has no TCB. */
    public TcpState ourState(String connection) {
        ConnectionKey key = ids.key(connection);
        if (key == null) return TcpState.CLOSED;
        for (ConnectionSnapshot s : ourConnections()) {
            if (s.key().equals(key)) return s.state();
        }
        return TcpState.CLOSED;
    }

    @Override
    public TcpState state(String connection, HostName side) {
        return side == ours ? ourState(connection) : linuxState(connection);
    }

    @Override
    public byte[] received(String connection, HostName side) {
        if (required("side", side) == ours) {
            ConnectionKey key = key(connection);
            return executor.command(() -> host.received(key));
        }
        return linuxHost.existing(connection).received();
    }

    @Override
    public List<FaultRule> faults() {
        return executor.command(wire::rules);
    }

    @Override
    public LinkConfig link() {
        return executor.command(wire::config);
    }

    @Override
    public ScriptStatus script(int id) {
        throw new InvalidArgumentException("script", "no script " + id + ": scenarios run in sim labs");
    }

    @Override
    public Optional<TapInfo> tapInfo() {
        return Optional.of(new TapInfo(
                link.namespace().name(),
                TapLink.DEVICE,
                config.linuxSide(),
                config.linuxIp().toString(),
                config.ourIp().toString(),
                link.linuxMac(),
                link.ourMac(),
                linuxHost.listeners()));
    }

    /** The namespace, for tests and benchmarks that add their own tools (tc, captures). */
    public NetNamespace namespace() {
        return link.namespace();
    }

    /** Why the driver stopped, if it failed (null while healthy). */
    public Throwable failure() {
        return failure;
    }

    // ---- commands ----------------------------------------------------------------------------

    /** Carries the command out on the driver thread; a lab that cannot (stopped, stuck) refuses it (409). */
    @Override
    public <R> R apply(LabCommand<R> command) {
        required("command", command);
        return executor.command(() -> command.applyTo(commands));
    }

    /** Runs {@code action} on the driver thread at lab time {@code atUs} (tests and benchmarks). */
    public void schedule(long atUs, Runnable action) {
        executor.post(() -> scheduler.schedule(atUs, action));
    }

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
            if (c.host() == ours) {
                if (c.ifNotListening() && host.listeners().contains(c.port())) return;
                host.listen(clock.nowUs(), c.port(), config.tcp().backlog());
            } else if (!(c.ifNotListening() && linuxHost.listening(c.port()))) {
                linuxHost.listen(c.port());
            }
        }

        @Override
        public void unlisten(LabCommand.Unlisten c) {
            if (c.host() == ours) {
                host.unlisten(clock.nowUs(), c.port());
            } else {
                linuxHost.unlisten(c.port());
            }
        }

        /**
         * Our stack's ISN can be fixed ({@code isn} when we open, {@code peerIsn} when Linux opens);
         * Linux picks its own. {@code localPort} 0 picks an ephemeral port.
         */
        @Override
        public String connect(LabCommand.Connect c) {
            if (c.simultaneous()) {
                throw new InvalidArgumentException(
                        "simultaneous",
                        "a tap lab cannot open both ends at once: the Linux kernel opens its own"
                                + " connections (connect from each side instead)");
            }
            if (c.from() == ours) {
                if (c.peerIsn() != null) {
                    throw new InvalidArgumentException("peerIsn", "peerIsn: the Linux kernel chooses its own ISN");
                }
                int port = c.localPort() != 0 ? c.localPort() : ephemeralPort();
                ConnectionKey key = new ConnectionKey(config.ourIp(), port, config.linuxIp(), c.remotePort());
                String id = fresh(key);
                linuxHost.expect(id);
                host.open(clock.nowUs(), port, config.linuxIp(), c.remotePort(), c.isn());
                pump();
                return id;
            }
            if (c.isn() != null) {
                throw new InvalidArgumentException(
                        "isn", "isn: the Linux kernel chooses its own ISN (peerIsn fixes ours)");
            }
            Socket socket = linuxHost.bind(c.localPort());
            ConnectionKey key =
                    new ConnectionKey(config.ourIp(), c.remotePort(), config.linuxIp(), socket.getLocalPort());
            String id;
            try {
                id = fresh(key);
            } catch (RuntimeException e) {
                try {
                    socket.close();
                } catch (java.io.IOException ignored) {
                    // nothing was sent
                }
                throw e;
            }
            if (c.peerIsn() != null) host.pinIsn(key, c.peerIsn());
            linuxHost.connect(id, socket, config.ourIp(), c.remotePort());
            return id;
        }

        @Override
        public void send(LabCommand.Send c) {
            if (c.side() == ours) {
                host.send(clock.nowUs(), key(c.connection()), c.data());
                pump();
            } else {
                linuxEnd(c.connection()).send(c.data());
            }
        }

        @Override
        public void close(LabCommand.Close c) {
            if (c.side() == ours) {
                host.close(clock.nowUs(), key(c.connection()));
                pump();
            } else {
                linuxEnd(c.connection()).close();
            }
        }

        @Override
        public void abort(LabCommand.Abort c) {
            if (c.side() == ours) {
                host.abort(clock.nowUs(), key(c.connection()));
                pump();
            } else {
                linuxEnd(c.connection()).abort();
            }
        }

        @Override
        public void setReading(LabCommand.SetReading c) {
            if (c.side() == ours) {
                host.setReading(clock.nowUs(), key(c.connection()), c.reading());
                pump();
            } else {
                linuxEnd(c.connection()).setReading(c.reading());
            }
        }

        /** Our host loses every TCB silently. The Linux kernel cannot be crashed from here. */
        @Override
        public void crash(LabCommand.Crash c) {
            if (c.host() != ours) {
                throw new TcpUserException(
                        "the Linux kernel cannot be crashed from a lab; abort its connection instead");
            }
            host.crash();
            pump();
        }

        /**
         * A crafted segment on the wire: from our side it goes to the Linux kernel, from the Linux side
         * it reaches our stack as if the kernel had sent it. Fault rules apply as to any segment.
         */
        @Override
        public long inject(LabCommand.Inject c) {
            HostName from = c.from();
            TcpSegment segment = c.segment();
            byte[] ip = TcpCodec.encode(new TcpDatagram(address(from), address(from.other()), segment));
            long id = transmitter.nextId();
            ConnectionKey ourView = from == ours
                    ? new ConnectionKey(config.ourIp(), segment.srcPort(), config.linuxIp(), segment.dstPort())
                    : new ConnectionKey(config.ourIp(), segment.dstPort(), config.linuxIp(), segment.srcPort());
            String connection = ids.id(ourView);
            Runnable enter = () -> transmitter.enter(id, from, connection, ip, false, "crafted");
            if (c.delayUs() == 0) {
                enter.run();
            } else {
                scheduler.schedule(clock.nowUs() + c.delayUs(), enter);
            }
            return id;
        }

        @Override
        public void pinIsn(LabCommand.PinIsn c) {
            if (c.host() != ours) throw new TcpUserException("the Linux kernel chooses its own ISNs");
            host.pinIsn(new ConnectionKey(config.ourIp(), c.localPort(), config.linuxIp(), c.remotePort()), c.isn());
        }

        @Override
        public FaultRule addFault(LabCommand.AddFault c) {
            return wire.add(c.rule());
        }

        @Override
        public boolean removeFault(LabCommand.RemoveFault c) {
            return wire.remove(c.id());
        }

        /** The link is emulated in this process (before the device): latency, jitter, bandwidth, MTU. */
        @Override
        public void setLink(LabCommand.SetLink c) {
            wire.configure(c.link());
        }

        @Override
        public int runScript(LabCommand.RunScript c) {
            throw new TcpUserException("scenarios need our stack on both hosts: they run in sim labs");
        }
    }

    /** Stops the driver, releases Linux's sockets, closes the device and removes the namespace. */
    @Override
    public void close() {
        running = false;
        link.wake();
        try {
            driver.join(closeWaitMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.close("the lab is closed");
        linuxHost.close();
        // The device and the netlink socket belong to the driver, which closes them as it exits: a
        // driver that is stuck (in a sink that does not return) must never find its descriptors closed
        // under it and reused by another lab. Removing the namespace is safe: they stay valid, detached.
        link.namespace().close();
    }

    /** Waits for the driver to have exited (tests). */
    boolean awaitDriverExit(long ms) throws InterruptedException {
        driver.join(ms);
        return !driver.isAlive();
    }

    /** Whether the tap's descriptor is still open (tests). */
    boolean deviceOpen() {
        return !link.device().closed();
    }

    // ---- the driver --------------------------------------------------------------------------

    private void drive() {
        executor.own();
        String stopped = "the lab is closed";
        try {
            link.resolve(clock.nowUs());
            while (running) {
                executor.runPending();
                int budget = READ_BUDGET;
                byte[] ip;
                while (budget > 0 && (ip = link.receive(clock.nowUs())) != null) {
                    budget--;
                    fromLinux(ip);
                }
                long now = clock.nowUs();
                scheduler.runUntil(now);
                if (link.nextHousekeepingUs() <= now) link.resolve(now);
                if (budget == 0 || executor.pending()) continue;
                link.await(waitMs());
            }
        } catch (Throwable t) {
            failure = t;
            stopped = "the lab stopped: " + t;
            try {
                events.emit(new LabEvent.Note(clock.nowUs(), null, "TAP lab stopped: " + t));
            } catch (RuntimeException ignored) {
                // the sink failed too; the failure is kept for failure()
            }
        } finally {
            running = false;
            // Anyone waiting for the driver learns the lab is gone rather than timing out.
            executor.close(stopped);
            observer.close();
            link.device().close();
        }
    }

    /** How long the driver may sleep: until the scheduler's next occurrence or ARP's next try (at most 1 s). */
    private int waitMs() {
        long next = Math.min(scheduler.nextEventUs(), link.nextHousekeepingUs());
        if (next == Long.MAX_VALUE) return 1000;
        long waitUs = next - clock.nowUs();
        return waitUs <= 0 ? 0 : (int) Math.min(1000, (waitUs + 999) / 1000);
    }

    /** Polls our host, puts what it returns on the wire, and re-plans its wake-up. */
    private void pump() {
        for (Outbound o : host.poll(clock.nowUs())) {
            transmitter.send(ours, o, o.connection());
        }
        hostWakeup.at(host.pollAt());
    }

    /** A frame Linux sent: parsed once (the connection, whether it re-sends), then onto the wire. */
    private void fromLinux(byte[] ip) {
        long id = transmitter.nextId();
        String connection = null;
        boolean retransmission = false;
        if (TcpCodec.decode(ip) instanceof TcpCodec.Decoded.Accepted a) {
            TcpSegment seg = a.datagram().segment();
            ConnectionKey ourView = new ConnectionKey(config.ourIp(), seg.dstPort(), config.linuxIp(), seg.srcPort());
            connection = ids.id(ourView);
            retransmission = linuxRetransmissions.observe(ourView.reversed(), seg);
            parsed.put(id, new Parsed(ip, a.datagram()));
        }
        transmitter.enter(id, linux, connection, ip, retransmission, null);
    }

    /** The far end of the link: our host takes the segment, or the device carries it to Linux. */
    private void deliver(Packet p) {
        if (p.to() == ours) {
            events.emit(new LabEvent.SegmentDelivered(clock.nowUs(), p.connection(), p.segmentId(), ours));
            Parsed known = parsed.remove(p.segmentId());
            try {
                if (known != null && known.bytes() == p.bytes()) {
                    host.receive(clock.nowUs(), p.segmentId(), p.connection(), known.datagram());
                } else {
                    // a copy (duplicate) or bytes a fault changed: parse what arrives
                    host.receive(clock.nowUs(), new Frame(p.segmentId(), p.connection(), p.bytes()));
                }
            } catch (RuntimeException e) {
                // A stack bug on one segment must not take the wire (and Linux's sockets) down with it.
                events.emit(new LabEvent.ErrorRaised(
                        clock.nowUs(),
                        p.connection(),
                        ours,
                        "internal",
                        "our stack failed on segment " + p.segmentId() + ": " + e));
            }
            pump();
            return;
        }
        boolean spoiled = corrupted.remove(p.segmentId());
        link.send(p.bytes(), clock.nowUs(), () -> {
            if (spoiled) {
                events.emit(new LabEvent.SegmentDropped(
                        clock.nowUs(),
                        p.connection(),
                        p.segmentId(),
                        linux,
                        "checksum: the Linux kernel discards it silently"));
            } else {
                events.emit(new LabEvent.SegmentDelivered(clock.nowUs(), p.connection(), p.segmentId(), linux));
            }
        });
    }

    /** Our host's events, on their way to the log: an end of ours that closed ends Linux's watch too. */
    private void fromOurHost(LabEvent e) {
        if (e instanceof LabEvent.StateChanged s && s.to() == TcpState.CLOSED && s.connection() != null) {
            ConnectionKey key = ids.key(s.connection());
            if (key != null) observer.otherEndClosed(key.reversed());
        }
        events.emit(e);
    }

    private void observeLinux() {
        long now = clock.nowUs();
        for (LinuxStateTracker.Transition t : observer.poll(now, linuxHost.listeners())) {
            String connection = ids.id(t.key().reversed());
            if (connection != null) linuxStates.put(connection, t.to());
            events.emit(new LabEvent.StateChanged(now, connection, linux, t.from(), t.to(), OBSERVED));
        }
        if (observer.active()) observation.at(now + config.procPollUs());
    }

    // ---- connections ---------------------------------------------------------------------------

    /** The namer: the lab id of a 4-tuple (our view), a new one if the lab has not seen it. */
    private String register(ConnectionKey key) {
        String id = ids.id(key);
        return id != null ? id : fresh(key);
    }

    /** A new lab id for a 4-tuple the lab is about to open (a reused tuple gets a new id); Linux's end is watched. */
    private String fresh(ConnectionKey key) {
        if (ids.id(key) != null) {
            for (ConnectionSnapshot s : host.connections()) {
                if (s.key().equals(key)) throw new TcpUserException("connection already exists");
            }
        }
        linuxRetransmissions.forget(key.reversed());
        String id = ids.fresh(key);
        observer.watch(key.reversed(), clock.nowUs());
        if (!observation.pending()) observation.at(clock.nowUs());
        return id;
    }

    /** The next port of the dynamic range (RFC 6335: 49152-65535), round and round. */
    private int ephemeralPort() {
        int port = nextEphemeral;
        nextEphemeral = port == 65535 ? 49152 : port + 1;
        return port;
    }

    /** The id of a connection Linux accepted (asked from its accept thread). */
    private String accepted(ConnectionKey linuxKey) {
        String id = ids.id(linuxKey.reversed());
        // A connection the lab did not open (cannot normally happen): give it an id of its own.
        return id != null ? id : executor.command(() -> register(linuxKey.reversed()));
    }

    private ConnectionKey key(String connection) {
        ConnectionKey key = ids.key(connection);
        if (key == null) throw new TcpUserException("connection does not exist");
        return key;
    }

    /**
     * The Linux end for a user call. One that has no socket yet (Linux has not accepted) is fine
     * while our end or Linux's connection lives, since the call waits for the accept; with both gone,
     * the connection does not exist (and never will be accepted).
     */
    private LinuxConnection linuxEnd(String connection) {
        LinuxConnection c = linuxHost.existing(connection);
        ConnectionKey key = ids.key(connection);
        if (!c.hasSocketOrConnecting()
                && linuxState(connection) == TcpState.CLOSED
                && host.connections().stream().noneMatch(s -> s.key().equals(key))) {
            throw new TcpUserException("connection does not exist");
        }
        return c;
    }

    private static long mix(long z) {
        // SplitMix64's finaliser: a cheap keyed hash for F() of RFC 6528.
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
