package org.tcplab.tap;

import static org.tcplab.engine.InvalidArgumentException.required;

import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.link.RetransmissionDetector;
import org.tcplab.engine.quiz.SegmentHold;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.LabClock;
import org.tcplab.engine.time.Scheduler;
import org.tcplab.engine.time.Wakeup;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpSegment;

/**
 * {@code linuxSide: both}: Linux against Linux, for comparing our stack with the kernel's. Each host
 * is a network namespace of its own (client {@code linuxIp}, server {@code ourIp}) joined by a veth
 * pair, each a {@link LinuxHost}; a capture on the client's end (an AF_PACKET socket, as libpcap
 * would open) sees every frame both ways
 * and turns each TCP frame into {@code segment.sent} + {@code segment.delivered}; both kernels'
 * states come from their socket tables ({@link LinuxObserver}). Nothing here can touch the frames,
 * so faults, crafted segments and link settings are not available, and a kernel cannot be crashed
 * ({@link #capabilities()}). Generic segmentation is limited to one segment per packet and checksum
 * offload is off, so the capture shows the segments TCP made with the checksums it computed, not
 * 64 KB super-packets with checksums left for hardware to finish.
 *
 * <p>One driver thread owns the capture, the observers, the connection ids and the event sink; it
 * waits in {@code poll(2)} on the capture and an eventfd until a frame comes, the next observation
 * is due or another thread hands it work ({@link ConfinedExecutor}).
 */
public final class LinuxPairLab implements KernelLab {

    static final String CLIENT_DEVICE = "tcplab-c";
    static final String SERVER_DEVICE = "tcplab-s";
    private static final LabCapabilities CAPABILITIES = new LabCapabilities(true, false, false, false, false);
    private static final int READ_BUDGET = 256;

    private final TapLabConfig config;
    private final EventSink events;
    private final LabClock clock = new WallClock();
    private final Scheduler scheduler = new Scheduler(clock);
    private final Map<HostName, NetNamespace> ns = new EnumMap<>(HostName.class);
    private final Map<HostName, LinuxHost> hosts = new EnumMap<>(HostName.class);
    private final Map<HostName, LinuxObserver> observers = new EnumMap<>(HostName.class);
    private final TapDevice capture;
    private final ConfinedExecutor executor;
    private final Commands commands = new Commands();
    private final Thread driver;
    private volatile boolean running = true;

    /** Connection ids by the 4-tuple as the client sees it. */
    private final ConnectionIds ids = new ConnectionIds();

    private final Map<String, Map<HostName, TcpState>> states = new ConcurrentHashMap<>();
    private final RetransmissionDetector retransmissions = new RetransmissionDetector();
    private final Wakeup observation = new Wakeup(scheduler, this::observe);
    private long segmentIds;

    private LinuxPairLab(TapLabConfig config, EventSink events) {
        this.config = config;
        this.events = events;
        TapDevice captured = null;
        try {
            NetNamespace c = NetNamespace.create();
            ns.put(HostName.CLIENT, c);
            NetNamespace s = NetNamespace.create();
            ns.put(HostName.SERVER, s);
            for (NetNamespace n : ns.values()) {
                for (Map.Entry<String, String> e : config.sysctls().entrySet()) {
                    n.sysctl(e.getKey(), e.getValue());
                }
            }
            c.ip("link", "add", CLIENT_DEVICE, "type", "veth", "peer", "name", SERVER_DEVICE, "netns", s.name());
            c.ip("link", "set", "dev", CLIENT_DEVICE, "gso_max_segs", "1");
            s.ip("link", "set", "dev", SERVER_DEVICE, "gso_max_segs", "1");
            // Real checksums on the wire, so the capture parses what TCP sent (TcpCodec verifies them).
            c.checksumOffloadOff(CLIENT_DEVICE);
            s.checksumOffloadOff(SERVER_DEVICE);
            c.ip("addr", "add", config.linuxIp() + "/" + config.prefixLength(), "dev", CLIENT_DEVICE);
            s.ip("addr", "add", config.ourIp() + "/" + config.prefixLength(), "dev", SERVER_DEVICE);
            c.ip("link", "set", CLIENT_DEVICE, "up");
            s.ip("link", "set", SERVER_DEVICE, "up");
            captured = TapDevice.capture(c, CLIENT_DEVICE);
            this.executor = new ConfinedExecutor("the Linux pair lab " + c.name(), captured::wake, 30_000);
            for (HostName h : HostName.values()) {
                Ipv4Address ip = h == HostName.CLIENT ? config.linuxIp() : config.ourIp();
                observers.put(h, new LinuxObserver(ns.get(h), ip));
                hosts.put(
                        h,
                        new LinuxHost(
                                ns.get(h),
                                ip,
                                LinuxConnection.Listener.events(h, executor, clock, events),
                                linuxKey -> accepted(h, linuxKey)));
            }
        } catch (RuntimeException e) {
            if (captured != null) captured.close();
            observers.values().forEach(LinuxObserver::close);
            ns.values().forEach(NetNamespace::close);
            throw e;
        }
        this.capture = captured;
        this.driver = new Thread(
                this::drive, "tcplab-linux-pair-" + ns.get(HostName.CLIENT).name());
        driver.setDaemon(true);
    }

    public static LinuxPairLab start(TapLabConfig config, EventSink events) {
        LinuxPairLab lab = new LinuxPairLab(config, events);
        lab.driver.start();
        return lab;
    }

    // ---- reads -------------------------------------------------------------------------------

    @Override
    public LabCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public TapLabConfig config() {
        return config;
    }

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
        return hosts.get(required("host", host)).address();
    }

    /** Both hosts are Linux: none runs our stack. */
    @Override
    public TcpConfig tcp(HostName host) {
        return null;
    }

    @Override
    public Optional<TapInfo> tapInfo() {
        return Optional.of(new TapInfo(
                ns.get(HostName.CLIENT).name() + "," + ns.get(HostName.SERVER).name(),
                CLIENT_DEVICE + "," + SERVER_DEVICE,
                "both",
                config.linuxIp().toString(),
                config.ourIp().toString(),
                null,
                null,
                listeners(HostName.SERVER)));
    }

    /** The namespace of one host (tests, benchmarks). */
    public NetNamespace namespace(HostName host) {
        return ns.get(host);
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return hosts.get(required("host", host)).listeners();
    }

    @Override
    public TcpState state(String connection, HostName side) {
        return states.getOrDefault(connection, Map.of()).getOrDefault(side, TcpState.CLOSED);
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return List.of();
    }

    /** Each kernel's side as last observed; ports from the 4-tuple. */
    @Override
    public List<ObservedSide> observed(HostName host) {
        required("host", host);
        List<ObservedSide> out = new ArrayList<>();
        for (String c : ids.ids()) {
            TcpState s = state(c, host);
            if (s == TcpState.CLOSED) continue;
            ConnectionKey clientKey = ids.key(c);
            ConnectionKey mine = host == HostName.CLIENT ? clientKey : clientKey.reversed();
            out.add(new ObservedSide(c, s, mine.localPort(), mine.remotePort(), TapLab.OBSERVED));
        }
        return out;
    }

    @Override
    public boolean knowsConnection(String connection) {
        return ids.contains(connection);
    }

    @Override
    public byte[] received(String connection, HostName side) {
        return hosts.get(required("side", side)).existing(connection).received();
    }

    @Override
    public List<FaultRule> faults() {
        return List.of();
    }

    /** A veth pair: no added latency, jitter or bandwidth limit; Ethernet's MTU. */
    @Override
    public LinkConfig link() {
        return TapLab.DIRECT;
    }

    @Override
    public ScriptStatus script(int id) {
        throw new InvalidArgumentException("script", "no script " + id + ": scenarios run in sim labs");
    }

    // ---- commands ----------------------------------------------------------------------------

    @Override
    public <R> R apply(LabCommand<R> command) {
        required("command", command);
        return executor.command(() -> command.applyTo(commands));
    }

    private final class Commands implements ScheduledTime {

        @Override
        public Scheduler scheduler() {
            return scheduler;
        }

        @Override
        public void listen(LabCommand.Listen c) {
            LinuxHost h = hosts.get(c.host());
            if (!(c.ifNotListening() && h.listening(c.port()))) h.listen(c.port());
        }

        @Override
        public void unlisten(LabCommand.Unlisten c) {
            hosts.get(c.host()).unlisten(c.port());
        }

        @Override
        public String connect(LabCommand.Connect c) {
            if (c.isn() != null || c.peerIsn() != null) {
                String field = c.isn() != null ? "isn" : "peerIsn";
                throw new InvalidArgumentException(field, field + ": the Linux kernel chooses its own ISNs");
            }
            if (c.simultaneous()) {
                throw new InvalidArgumentException(
                        "simultaneous",
                        "two Linux sockets cannot be opened at once from a lab: connect from each side");
            }
            LinuxHost from = hosts.get(c.from());
            LinuxHost to = hosts.get(c.from().other());
            Socket socket = from.bind(c.localPort());
            ConnectionKey mine = new ConnectionKey(from.address(), socket.getLocalPort(), to.address(), c.remotePort());
            String id = register(c.from() == HostName.CLIENT ? mine : mine.reversed());
            from.connect(id, socket, to.address(), c.remotePort());
            return id;
        }

        @Override
        public void send(LabCommand.Send c) {
            hosts.get(c.side()).existing(c.connection()).send(c.data());
        }

        @Override
        public void close(LabCommand.Close c) {
            hosts.get(c.side()).existing(c.connection()).close();
        }

        @Override
        public void abort(LabCommand.Abort c) {
            hosts.get(c.side()).existing(c.connection()).abort();
        }

        @Override
        public void setReading(LabCommand.SetReading c) {
            hosts.get(c.side()).existing(c.connection()).setReading(c.reading());
        }

        @Override
        public void crash(LabCommand.Crash c) {
            throw new TcpUserException("the Linux kernel cannot be crashed from a lab; abort its connection instead");
        }

        @Override
        public long inject(LabCommand.Inject c) {
            throw new TcpUserException(
                    "crafted segments need our stack on the wire; with linuxSide both the frames belong to Linux");
        }

        @Override
        public void pinIsn(LabCommand.PinIsn c) {
            throw new TcpUserException("the Linux kernel chooses its own ISNs");
        }

        @Override
        public FaultRule addFault(LabCommand.AddFault c) {
            throw new TcpUserException(
                    "faults need our stack on the wire; with linuxSide both the frames belong to Linux");
        }

        @Override
        public boolean removeFault(LabCommand.RemoveFault c) {
            return false;
        }

        @Override
        public void setLink(LabCommand.SetLink c) {
            throw new TcpUserException("this lab's link is a real veth pair; its latency cannot be set");
        }

        @Override
        public int runScript(LabCommand.RunScript c) {
            throw new TcpUserException("scenarios need our stack on both hosts: they run in sim labs");
        }

        @Override
        public SegmentHold hold() {
            throw new TcpUserException("class mode holds the segments our stack emits; here both hosts are the"
                    + " Linux kernel, which cannot be held (use a sim lab, or a tap lab with our stack on one side)");
        }
    }

    /** Stops the driver, then releases the sockets, the capture and both namespaces. */
    @Override
    public void close() {
        running = false;
        capture.wake();
        try {
            driver.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.close("the lab is closed");
        hosts.values().forEach(LinuxHost::close);
        // The capture and the netlink sockets belong to the driver; it closes them as it exits.
        ns.values().forEach(NetNamespace::close);
    }

    /** Whether the driver loop still runs (tests: a failed driver must say so at once). */
    boolean running() {
        return running;
    }

    /** Waits for the driver to have exited (tests). */
    boolean awaitDriverExit(long ms) throws InterruptedException {
        driver.join(ms);
        return !driver.isAlive();
    }

    // ---- the driver --------------------------------------------------------------------------

    private void drive() {
        executor.own();
        String stopped = "the lab is closed";
        try {
            while (running) {
                executor.runPending();
                int budget = READ_BUDGET;
                byte[] raw;
                while (budget > 0 && (raw = capture.read()) != null) {
                    budget--;
                    frame(raw);
                }
                scheduler.runUntil(clock.nowUs());
                if (budget == 0 || executor.pending()) continue;
                capture.await(waitMs());
            }
        } catch (Throwable t) {
            stopped = "the lab stopped: " + t;
            try {
                events.emit(new LabEvent.Note(clock.nowUs(), null, "Linux pair lab stopped: " + t));
            } catch (RuntimeException ignored) {
                // nothing more to tell
            }
        } finally {
            // Whatever ended the loop, the lab no longer runs: callers fail at once instead of waiting.
            running = false;
            executor.close(stopped);
            capture.close();
            observers.values().forEach(LinuxObserver::close);
        }
    }

    /** Until the next observation is due (at most 1 s: commands and frames wake the driver anyway). */
    private int waitMs() {
        long next = scheduler.nextEventUs();
        if (next == Long.MAX_VALUE) return 1000;
        long waitUs = next - clock.nowUs();
        return waitUs <= 0 ? 0 : (int) Math.min(1000, (waitUs + 999) / 1000);
    }

    /** One captured Ethernet frame: a TCP segment becomes sent + delivered, anything else is ignored. */
    private void frame(byte[] raw) {
        if (raw.length < EthernetLink.HEADER + 20 || ((raw[12] & 0xff) << 8 | (raw[13] & 0xff)) != 0x0800) {
            return;
        }
        int total = ((raw[EthernetLink.HEADER + 2] & 0xff) << 8) | (raw[EthernetLink.HEADER + 3] & 0xff);
        byte[] packet = Arrays.copyOfRange(raw, EthernetLink.HEADER, Math.min(raw.length, EthernetLink.HEADER + total));
        if (!(TcpCodec.decode(packet) instanceof TcpCodec.Decoded.Accepted a)) return;
        TcpSegment seg = a.datagram().segment();
        HostName from = a.datagram().src().equals(config.linuxIp()) ? HostName.CLIENT : HostName.SERVER;
        ConnectionKey senderKey = new ConnectionKey(
                a.datagram().src(), seg.srcPort(), a.datagram().dst(), seg.dstPort());
        String connection = ids.id(from == HostName.CLIENT ? senderKey : senderKey.reversed());
        long id = ++segmentIds;
        long now = clock.nowUs();
        events.emit(new LabEvent.SegmentSent(
                now, connection, id, from, from.other(), retransmissions.observe(senderKey, seg), false, packet, null));
        events.emit(new LabEvent.SegmentDelivered(now, connection, id, from.other()));
    }

    private void observe() {
        long now = clock.nowUs();
        boolean active = false;
        for (HostName host : HostName.values()) {
            LinuxObserver o = observers.get(host);
            for (LinuxStateTracker.Transition t : o.poll(now, hosts.get(host).listeners())) {
                ConnectionKey clientKey =
                        host == HostName.CLIENT ? t.key() : t.key().reversed();
                String connection = ids.id(clientKey);
                if (connection != null) {
                    states.computeIfAbsent(connection, k -> new ConcurrentHashMap<>())
                            .put(host, t.to());
                }
                events.emit(new LabEvent.StateChanged(now, connection, host, t.from(), t.to(), TapLab.OBSERVED));
            }
            active |= o.active();
        }
        if (active) observation.at(now + config.procPollUs());
    }

    /** A new lab id for a connection (keyed as the client sees it); both kernels' ends are watched. */
    private String register(ConnectionKey clientKey) {
        retransmissions.forget(clientKey);
        retransmissions.forget(clientKey.reversed());
        String id = ids.fresh(clientKey);
        observers.get(HostName.CLIENT).watch(clientKey, clock.nowUs());
        observers.get(HostName.SERVER).watch(clientKey.reversed(), clock.nowUs());
        if (!observation.pending()) observation.at(clock.nowUs());
        return id;
    }

    /** The id of a connection {@code host} accepted (asked from its accept thread). */
    private String accepted(HostName host, ConnectionKey linuxKey) {
        ConnectionKey clientKey = host == HostName.CLIENT ? linuxKey : linuxKey.reversed();
        String id = ids.id(clientKey);
        return id != null ? id : executor.command(() -> register(clientKey));
    }
}
