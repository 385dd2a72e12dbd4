package org.tcplab.tap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.FaultRules;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.IsnSource;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A TAP lab: our {@link org.tcplab.engine.stack.TcpHost} on one end of a TAP device, the Linux kernel of a private network
 * namespace on the other. The user operations mirror the simulator's ({@code listen}, {@code connect},
 * {@code send}, {@code close}, {@code abort}, {@code setReading}, {@code crash}, faults), acting on
 * our stack or on a real Linux socket depending on the side named.
 *
 * <p>Threading: one driver thread owns the host and the event sink. It waits on the tap
 * until the host's {@code pollAt()} (real monotonic time, microseconds since the lab started),
 * delivers Linux's frames, polls the host and writes what it returns. User operations are handed
 * to it and awaited, so their exceptions ({@link TcpUserException}) reach the caller. Every event is
 * emitted from the driver thread, one at a time, in order.
 *
 * <p>Events: every TCP frame crossing the tap is a {@code segment.sent} from its sender and a
 * {@code segment.delivered} to its receiver (or {@code segment.dropped} by a fault), with one
 * segment id for both. Linux's states come from polling the kernel's socket table in the namespace
 * every {@code procPollUs} ({@link LinuxObserver}: exact sock_diag lookups, the same table as
 * {@code /proc/net/tcp}, which is the fallback), with cause {@value #OBSERVED}. Where Linux's
 * segments or states differ from the RFCs and our stack, a {@code narration} event (step
 * {@code linux:*}, English and Chinese) says so right after them ({@link LinuxDifferences}).
 */
public final class TapLab implements KernelLab {

    /**
     * The cause of Linux's state events: what the kernel's TCP table said when we looked. That is
     * the table /proc/net/tcp prints; we read it by exact sock_diag lookups (what {@code ss} uses)
     * and fall back to /proc/net/tcp, so the text names the table rather than one way of reading it.
     */
    public static final String OBSERVED =
            "observed in the kernel's TCP table (sock_diag, as ss and /proc/net/tcp show it)";

    private static final int READ_BUDGET = 256;
    /** As the simulator's FaultyLink: how long a reorder fault holds a segment without delayUs. */
    private static final long REORDER_HOLD_US = 200_000;

    private final TapLabConfig config;
    private final EventSink events;
    private final TapLink link;
    private final HostName ours;
    private final HostName linux;
    private final long t0 = System.nanoTime();
    private final StackHost host;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread driver;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private final Map<ConnectionKey, String> idsByKey = new ConcurrentHashMap<>();
    private final Map<String, ConnectionKey> keysById = new ConcurrentHashMap<>();
    private int nextConnection = 1;
    private int nextEphemeral = 49152;
    private final Map<String, LinuxConnection> linuxConnections = new ConcurrentHashMap<>();
    private final Map<Integer, ServerSocket> linuxListeners = new ConcurrentHashMap<>();
    private final Map<String, TcpState> linuxStates = new ConcurrentHashMap<>();

    private final FaultRules faults;
    /** The lab's seeded source for fault probabilities and the bit a corrupt fault flips. */
    private final SplittableRandom faultRandom;

    private final PriorityQueue<Timed> timed = new PriorityQueue<>();
    private long timedSeq;
    private final Runnable[] heldBack = new Runnable[2];
    private final long[] heldBackUntil = new long[2];
    private long segmentIds;
    private final Map<ConnectionKey, SeqNum> linuxSeqHigh = new HashMap<>();
    private final LinuxObserver observer;
    private long nextProcPollUs;

    private record Timed(long atUs, long seq, Runnable action) implements Comparable<Timed> {
        public int compareTo(Timed o) {
            return atUs != o.atUs ? Long.compare(atUs, o.atUs) : Long.compare(seq, o.seq);
        }
    }

    private TapLab(TapLabConfig config, EventSink events, TapLink link, StackHost.Factory hosts) {
        this.config = config;
        this.link = link;
        this.ours = "server".equals(config.linuxSide()) ? HostName.CLIENT : HostName.SERVER;
        this.linux = ours.other();
        // Every event passes LinuxDifferences, which narrates where Linux departs from the RFCs and our stack.
        this.events = new LinuxDifferences(events, linux, config.tcp(), LinuxDifferences.readSysctls(link.namespace()));
        this.faultRandom = new SplittableRandom(config.seed());
        this.faults = new FaultRules(faultRandom);
        long secret = new SecureRandom().nextLong();
        // RFC 6528: ISN = M + F(4-tuple, secret), M a 4-microsecond clock.
        IsnSource isns = (nowUs, key) -> SeqNum.of(nowUs / 4 + mix(secret ^ key.hashCode()));
        this.host = hosts.create(ours, config.ourIp(), config.tcp(), isns, (h, key) -> register(key), this.events);
        this.observer = new LinuxObserver(link.namespace(), config.linuxIp());
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
            throw new IllegalArgumentException("linuxSide both has no TAP: use KernelLab.start or LinuxPairLab");
        }
        return start(config, events, StackHost.ENGINE);
    }

    static TapLab start(TapLabConfig config, EventSink events, StackHost.Factory hosts) {
        TapLink link = TapLink.open(config);
        TapLab lab;
        try {
            lab = new TapLab(config, events, link, hosts);
        } catch (RuntimeException | Error e) {
            link.close();
            throw e;
        }
        lab.driver.start();
        return lab;
    }

    // ---- facts -------------------------------------------------------------------------------

    public HostName ourHost() {
        return ours;
    }

    public HostName linuxHost() {
        return linux;
    }

    public TapLabConfig config() {
        return config;
    }

    /** Microseconds since the lab started (the events' clock). */
    public long nowUs() {
        return (System.nanoTime() - t0) / 1000;
    }

    /** What the lab snapshot shows under {@code tap}. */
    public record TapInfo(
            String namespace,
            String device,
            String linuxSide,
            String linuxIp,
            String ourIp,
            String linuxMac,
            String ourMac,
            List<Integer> linuxListeners) {}

    public TapInfo info() {
        return new TapInfo(
                link.namespace().name(),
                TapLink.DEVICE,
                config.linuxSide(),
                config.linuxIp().toString(),
                config.ourIp().toString(),
                link.linuxMac(),
                link.ourMac(),
                new ArrayList<>(linuxListeners.keySet()));
    }

    /** The namespace, for tests and benchmarks that add their own tools (tc, captures). */
    public NetNamespace namespace() {
        return link.namespace();
    }

    /** Our stack's connections (a copy, taken on the driver thread). */
    public List<ConnectionSnapshot> ourConnections() {
        return call(host::connections);
    }

    public List<Integer> listeners(HostName h) {
        return h == ours ? call(host::listeners) : new ArrayList<>(linuxListeners.keySet());
    }

    /** Linux's last observed state of a connection (CLOSED once the kernel no longer has it). */
    public TcpState linuxState(String connection) {
        return linuxStates.getOrDefault(connection, TcpState.CLOSED);
    }

    /** Our stack's state of a connection, CLOSED if it has no TCB. */
    public TcpState ourState(String connection) {
        ConnectionKey key = keysById.get(connection);
        if (key == null) {
            return TcpState.CLOSED;
        }
        for (ConnectionSnapshot s : ourConnections()) {
            if (s.key().equals(key)) {
                return s.state();
            }
        }
        return TcpState.CLOSED;
    }

    public TcpState state(String connection, HostName side) {
        return side == ours ? ourState(connection) : linuxState(connection);
    }

    /** Every byte the application on {@code side} has read on this connection. */
    public byte[] received(String connection, HostName side) {
        if (side == ours) {
            ConnectionKey key = key(connection);
            return call(() -> host.received(key));
        }
        return linux(connection).received();
    }

    // ---- user operations ---------------------------------------------------------------------

    public void listen(HostName side, int port) {
        if (side == ours) {
            call(() -> {
                host.listen(nowUs(), port, config.tcp().backlog());
                return null;
            });
            return;
        }
        if (linuxListeners.containsKey(port)) {
            throw new TcpUserException("connection already exists");
        }
        ServerSocket ss = link.namespace().inside(() -> {
            // An AF_INET socket (Java's default is a dual-stack AF_INET6 one, which Linux lists in
            // /proc/net/tcp6 as a v4-mapped address): the lab is IPv4 and its lifeline asks for AF_INET sockets.
            ServerSocket s =
                    ServerSocketChannel.open(StandardProtocolFamily.INET).socket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(EthernetLink.inet(config.linuxIp()), port), 128);
            return s;
        });
        linuxListeners.put(port, ss);
        Thread acceptor = new Thread(() -> acceptLoop(ss), "tcplab-linux-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /**
     * Opens a connection from {@code from} to the other host and returns its lab id. Our stack's ISN
     * can be fixed ({@code isn} when we open, {@code peerIsn} when Linux opens); Linux picks its own.
     * {@code localPort} 0 picks an ephemeral port.
     */
    public String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn) {
        if (from == ours) {
            if (peerIsn != null) {
                throw new IllegalArgumentException("peerIsn: the Linux kernel chooses its own ISN");
            }
            return call(() -> {
                int port = localPort != 0 ? localPort : nextEphemeral++;
                ConnectionKey key = new ConnectionKey(config.ourIp(), port, config.linuxIp(), remotePort);
                String id = fresh(key);
                linuxConnections.put(id, new LinuxConnection(id, linuxListener));
                host.open(nowUs(), port, config.linuxIp(), remotePort, isn);
                return id;
            });
        }
        if (isn != null) {
            throw new IllegalArgumentException("isn: the Linux kernel chooses its own ISN (peerIsn fixes ours)");
        }
        Socket socket = link.namespace().inside(() -> {
            Socket s = SocketChannel.open(StandardProtocolFamily.INET).socket();
            // Binding creates the descriptor on the namespace's thread, hence inside the lab's network.
            try {
                s.bind(new InetSocketAddress(EthernetLink.inet(config.linuxIp()), localPort));
            } catch (java.net.BindException e) {
                s.close();
                throw new TcpUserException("connection already exists (Linux port " + localPort + " is in use)");
            }
            return s;
        });
        ConnectionKey key = new ConnectionKey(config.ourIp(), remotePort, config.linuxIp(), socket.getLocalPort());
        String id;
        try {
            id = call(() -> {
                String fresh = fresh(key);
                if (peerIsn != null) {
                    host.pinIsn(key, peerIsn);
                }
                return fresh;
            });
        } catch (RuntimeException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing was sent
            }
            throw e;
        }
        LinuxConnection lc = new LinuxConnection(id, linuxListener);
        linuxConnections.put(id, lc);
        lc.connectWith(socket, new InetSocketAddress(EthernetLink.inet(config.ourIp()), remotePort));
        return id;
    }

    public void send(String connection, HostName side, byte[] data) {
        if (side == ours) {
            ConnectionKey key = key(connection);
            run(() -> host.send(nowUs(), key, data));
        } else {
            linuxForUser(connection).send(data);
        }
    }

    public void close(String connection, HostName side) {
        if (side == ours) {
            ConnectionKey key = key(connection);
            run(() -> host.close(nowUs(), key));
        } else {
            linuxForUser(connection).close();
        }
    }

    public void abort(String connection, HostName side) {
        if (side == ours) {
            ConnectionKey key = key(connection);
            run(() -> host.abort(nowUs(), key));
        } else {
            linuxForUser(connection).abort();
        }
    }

    public void setReading(String connection, HostName side, boolean reading) {
        if (side == ours) {
            ConnectionKey key = key(connection);
            run(() -> host.setReading(nowUs(), key, reading));
        } else {
            linux(connection).setReading(reading);
        }
    }

    /** Our host loses every TCB silently. The Linux kernel cannot be crashed from here. */
    public void crash(HostName side) {
        if (side != ours) {
            throw new TcpUserException("the Linux kernel cannot be crashed from a lab; abort its connection instead");
        }
        run(host::crash);
    }

    @Override
    public Ipv4Address address(HostName host) {
        return host == ours ? config.ourIp() : config.linuxIp();
    }

    /**
     * A crafted segment on the wire: from our side it goes to the Linux kernel, from the Linux side
     * it reaches our stack as if the kernel had sent it. Fault rules apply as to any segment.
     */
    @Override
    public long inject(HostName from, TcpSegment segment, long delayUs) {
        if (delayUs < 0) {
            throw new IllegalArgumentException("delayMs must not be negative: " + delayUs);
        }
        TcpDatagram d = new TcpDatagram(address(from), address(from.other()), segment);
        byte[] ip = TcpCodec.encode(d);
        return call(() -> {
            long id = ++segmentIds;
            ConnectionKey ourView = from == ours
                    ? new ConnectionKey(config.ourIp(), segment.srcPort(), config.linuxIp(), segment.dstPort())
                    : new ConnectionKey(config.ourIp(), segment.dstPort(), config.linuxIp(), segment.srcPort());
            String connection = idsByKey.get(ourView);
            Runnable send = () -> {
                events.emit(new LabEvent.SegmentSent(
                        nowUs(), connection, id, from, from.other(), false, false, TcpCodec.describe(ip), "crafted"));
                transmit(from, connection, id, ip, segment.flags(), false);
            };
            if (delayUs == 0) {
                send.run();
            } else {
                timed.add(new Timed(nowUs() + delayUs, timedSeq++, send));
            }
            return id;
        });
    }

    @Override
    public void schedule(long atUs, Runnable action) {
        post(() -> timed.add(new Timed(atUs, timedSeq++, action)));
    }

    public FaultRule addFault(FaultRule rule) {
        return call(() -> faults.add(rule));
    }

    public boolean removeFault(int id) {
        return call(() -> faults.remove(id));
    }

    public List<FaultRule> faults() {
        return call(faults::rules);
    }

    /** Stops the driver, releases Linux's sockets, closes the device and removes the namespace. */
    @Override
    public void close() {
        running = false;
        link.wake();
        try {
            driver.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // The driver cleans up as it exits; this covers a driver that is stuck (idempotent).
        cleanup();
    }

    /** Why the driver stopped, if it failed (null while healthy). */
    public Throwable failure() {
        return failure;
    }

    // ---- the driver --------------------------------------------------------------------------

    private void drive() {
        try {
            link.resolve(nowUs());
            while (running) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                long now = nowUs();
                runTimed(now);
                observeLinux(now);
                flushHost();
                int budget = READ_BUDGET;
                byte[] ip;
                while (budget > 0 && (ip = link.receive(nowUs())) != null) {
                    budget--;
                    fromLinux(ip);
                }
                if (budget < READ_BUDGET) {
                    flushHost();
                }
                if (budget == 0 || !tasks.isEmpty()) {
                    continue;
                }
                link.await(timeoutMs(nowUs()));
            }
        } catch (Throwable t) {
            failure = t;
            try {
                events.emit(new LabEvent.Note(nowUs(), null, "TAP lab stopped: " + t));
            } catch (RuntimeException ignored) {
                // the sink failed too; the failure is kept for failure()
            }
        } finally {
            running = false;
            cleanup();
            // Anyone still waiting for a task learns the lab is gone rather than timing out.
            Runnable task;
            while ((task = tasks.poll()) != null) {
                if (task instanceof FutureTask<?> f) {
                    f.cancel(false);
                }
            }
        }
    }

    private int timeoutMs(long now) {
        long next = Math.min(host.pollAt(), link.nextHousekeepingUs());
        if (!timed.isEmpty()) {
            next = Math.min(next, timed.peek().atUs());
        }
        for (int i = 0; i < 2; i++) {
            if (heldBack[i] != null) {
                next = Math.min(next, heldBackUntil[i]);
            }
        }
        if (procPolling(now)) {
            next = Math.min(next, nextProcPollUs);
        }
        if (next == Long.MAX_VALUE) {
            return 1000;
        }
        long waitUs = next - now;
        return waitUs <= 0 ? 0 : (int) Math.min(1000, (waitUs + 999) / 1000);
    }

    private void flushHost() {
        for (Outbound o : host.poll(nowUs())) {
            toLinux(o);
        }
    }

    private void runTimed(long now) {
        while (!timed.isEmpty() && timed.peek().atUs() <= now) {
            timed.poll().action().run();
        }
        for (int i = 0; i < 2; i++) {
            if (heldBack[i] != null && heldBackUntil[i] <= now) {
                Runnable r = heldBack[i];
                heldBack[i] = null;
                r.run();
            }
        }
    }

    private void toLinux(Outbound o) {
        byte[] ip = TcpCodec.encode(o.datagram());
        long id = ++segmentIds;
        long now = nowUs();
        events.emit(new LabEvent.SegmentSent(
                now, o.connection(), id, ours, linux, o.retransmission(), o.probe(), TcpCodec.describe(ip), null));
        transmit(ours, o.connection(), id, ip, o.datagram().segment().flags(), o.retransmission());
    }

    private void fromLinux(byte[] ip) {
        long now = nowUs();
        RawTcp raw = RawTcp.of(ip);
        String connection = null;
        boolean retransmission = false;
        if (raw != null) {
            ConnectionKey ourView = new ConnectionKey(config.ourIp(), raw.dstPort(), config.linuxIp(), raw.srcPort());
            connection = idsByKey.get(ourView);
            retransmission = linuxRetransmission(ourView, raw);
        }
        long id = ++segmentIds;
        events.emit(new LabEvent.SegmentSent(
                now, connection, id, linux, ours, retransmission, false, TcpCodec.describe(ip), null));
        transmit(linux, connection, id, ip, new TcpFlags(raw == null ? 0 : raw.flags()), retransmission);
    }

    /** Linux's segment re-sends sequence space it already sent (its RTO or fast retransmit). */
    private boolean linuxRetransmission(ConnectionKey key, RawTcp raw) {
        int len = raw.payloadLength() + ((raw.flags() & 0x02) != 0 ? 1 : 0) + ((raw.flags() & 0x01) != 0 ? 1 : 0);
        if (len == 0 || (raw.flags() & 0x04) != 0) {
            return false;
        }
        SeqNum end = SeqNum.of(raw.seq()).plus(len);
        SeqNum high = linuxSeqHigh.get(key);
        if ((raw.flags() & 0x02) != 0) {
            // A SYN starts a new sequence space unless it repeats the last one exactly.
            boolean again = end.equals(high);
            linuxSeqHigh.put(key, end);
            return again;
        }
        if (high != null && end.lessOrEqual(high)) {
            return true;
        }
        linuxSeqHigh.put(key, end);
        return false;
    }

    /** Applies the fault rules to a segment on the wire, then delivers it (or not). */
    private void transmit(
            HostName from, String connection, long id, byte[] ip, TcpFlags flags, boolean retransmission) {
        FaultRule rule = faults.match(from, flags, connection);
        if (rule == null) {
            deliver(from, connection, id, ip);
            return;
        }
        long now = nowUs();
        events.emit(new LabEvent.FaultApplied(
                now, connection, rule.id(), id, rule.action().id()));
        switch (rule.action()) {
            case DROP:
                events.emit(new LabEvent.SegmentDropped(now, connection, id, null, "fault"));
                break;
            case DELAY:
                timed.add(new Timed(now + rule.delayUs(), timedSeq++, () -> deliver(from, connection, id, ip)));
                break;
            case DUPLICATE: {
                deliver(from, connection, id, ip);
                long copy = ++segmentIds;
                events.emit(new LabEvent.SegmentSent(
                        nowUs(),
                        connection,
                        copy,
                        from,
                        from.other(),
                        false,
                        false,
                        TcpCodec.describe(ip),
                        "duplicate"));
                deliver(from, connection, copy, ip);
                break;
            }
            case REORDER: {
                int dir = from.ordinal();
                if (heldBack[dir] != null) {
                    heldBack[dir].run();
                }
                heldBack[dir] = () -> deliver(from, connection, id, ip);
                heldBackUntil[dir] = now + (rule.delayUs() > 0 ? rule.delayUs() : REORDER_HOLD_US);
                break;
            }
            case CORRUPT: {
                byte[] bad = ip.clone();
                // One bit of the TCP part, sparing the data-offset byte as the simulator does: the
                // one's complement checksum (RFC 9293 §3.1) catches every single-bit error.
                int tcpFrom = (bad[0] & 0x0f) * 4;
                int bit = faultRandom.nextInt(Math.max(1, (bad.length - tcpFrom - 1) * 8));
                int index = tcpFrom + bit / 8;
                if (index >= tcpFrom + 12) index++;
                bad[Math.min(index, bad.length - 1)] ^= (byte) (1 << (bit % 8));
                if (from == linux) {
                    deliver(from, connection, id, bad);
                } else {
                    link.send(
                            bad,
                            now,
                            () -> events.emit(new LabEvent.SegmentDropped(
                                    nowUs(),
                                    connection,
                                    id,
                                    linux,
                                    "checksum: the Linux kernel discards it silently")));
                }
                break;
            }
            default:
                deliver(from, connection, id, ip);
        }
    }

    private void deliver(HostName from, String connection, long id, byte[] ip) {
        if (from == linux) {
            events.emit(new LabEvent.SegmentDelivered(nowUs(), connection, id, ours));
            try {
                host.receive(nowUs(), new Frame(id, connection, ip));
            } catch (RuntimeException e) {
                // A stack bug on one segment must not take the wire (and Linux's sockets) down with it.
                events.emit(new LabEvent.ErrorRaised(
                        nowUs(), connection, ours, "internal", "our stack failed on segment " + id + ": " + e));
            }
        } else {
            link.send(ip, nowUs(), () -> events.emit(new LabEvent.SegmentDelivered(nowUs(), connection, id, linux)));
        }
        // A segment held back by a reorder fault goes right behind the next one in its direction.
        int dir = from.ordinal();
        if (heldBack[dir] != null) {
            Runnable r = heldBack[dir];
            heldBack[dir] = null;
            r.run();
        }
    }

    private boolean procPolling(long now) {
        return observer.active();
    }

    private void observeLinux(long now) {
        if (now < nextProcPollUs || !procPolling(now)) {
            return;
        }
        nextProcPollUs = now + config.procPollUs();
        for (LinuxStateTracker.Transition t : observer.poll(now, linuxListeners.keySet())) {
            String connection = idsByKey.get(t.key().reversed());
            if (connection != null) {
                linuxStates.put(connection, t.to());
            }
            events.emit(new LabEvent.StateChanged(nowUs(), connection, linux, t.from(), t.to(), OBSERVED));
        }
    }

    // ---- connections ---------------------------------------------------------------------------

    /** The namer: the lab id of a 4-tuple (our view), a new one if the lab has not seen it. */
    private String register(ConnectionKey key) {
        return idsByKey.computeIfAbsent(key, k -> {
            String id = Integer.toString(nextConnection++);
            keysById.put(id, k);
            observer.watch(k.reversed(), nowUs());
            return id;
        });
    }

    /** A new lab id for a 4-tuple the lab is about to open (a reused tuple gets a new id). */
    private String fresh(ConnectionKey key) {
        String old = idsByKey.get(key);
        if (old != null) {
            for (ConnectionSnapshot s : host.connections()) {
                if (s.key().equals(key)) {
                    throw new TcpUserException("connection already exists");
                }
            }
            idsByKey.remove(key);
        }
        linuxSeqHigh.remove(key);
        return register(key);
    }

    private ConnectionKey key(String connection) {
        ConnectionKey key = keysById.get(connection);
        if (key == null) {
            throw new TcpUserException("connection does not exist");
        }
        return key;
    }

    /**
     * The Linux end for a user call. One that has no socket yet (Linux has not accepted) is fine
     * while our end lives, since the call waits for the accept; with our end gone too, the
     * connection does not exist.
     */
    private LinuxConnection linuxForUser(String connection) {
        LinuxConnection c = linux(connection);
        if (!c.hasSocketOrConnecting() && ourState(connection) == TcpState.CLOSED) {
            throw new TcpUserException("connection does not exist");
        }
        return c;
    }

    private LinuxConnection linux(String connection) {
        LinuxConnection c = linuxConnections.get(connection);
        if (c == null) {
            throw new TcpUserException("connection does not exist");
        }
        return c;
    }

    private void acceptLoop(ServerSocket ss) {
        while (running && !ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            ConnectionKey key = new ConnectionKey(config.ourIp(), s.getPort(), config.linuxIp(), s.getLocalPort());
            String id = idsByKey.get(key);
            LinuxConnection lc = id == null ? null : linuxConnections.get(id);
            if (lc == null) {
                // A connection the lab did not open (cannot normally happen): give it an id of its own.
                String fresh = call(() -> register(key));
                lc = new LinuxConnection(fresh, linuxListener);
                linuxConnections.put(fresh, lc);
            }
            lc.attach(s);
        }
    }

    private final LinuxConnection.Listener linuxListener = new LinuxConnection.Listener() {
        @Override
        public void data(LinuxConnection c, int bytes, long total) {
            post(() -> events.emit(new LabEvent.DataDelivered(nowUs(), c.id(), linux, bytes, total)));
        }

        @Override
        public void error(LinuxConnection c, String error, String detail) {
            post(() -> events.emit(new LabEvent.ErrorRaised(nowUs(), c.id(), linux, error, detail)));
        }
    };

    private void post(Runnable r) {
        if (!running) {
            return;
        }
        tasks.add(r);
        link.wake();
    }

    private void run(Runnable r) {
        call(() -> {
            r.run();
            return null;
        });
    }

    private <T> T call(Callable<T> work) {
        if (Thread.currentThread() == driver) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new TapException(e.getMessage(), e);
            }
        }
        if (!running) {
            throw new IllegalStateException("the TAP lab is closed" + (failure == null ? "" : ": " + failure));
        }
        FutureTask<T> task = new FutureTask<>(() -> {
            T result = work.call();
            // Put what the call produced (a SYN, data, a FIN) on the wire before the caller is
            // woken: on a busy machine waking it can cost the driver its CPU for a millisecond.
            flushHost();
            return result;
        });
        tasks.add(task);
        link.wake();
        try {
            return task.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new TapException(String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException | java.util.concurrent.CancellationException e) {
            throw new IllegalStateException("the TAP lab did not answer" + (failure == null ? "" : ": " + failure), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private final Object cleanupLock = new Object();
    private boolean cleaned;

    private void cleanup() {
        synchronized (cleanupLock) {
            if (cleaned) {
                return;
            }
            cleaned = true;
        }
        for (ServerSocket ss : linuxListeners.values()) {
            try {
                ss.close();
            } catch (IOException ignored) {
                // the namespace goes next anyway
            }
        }
        for (LinuxConnection c : linuxConnections.values()) {
            c.dispose();
        }
        observer.close();
        link.close();
    }

    private static long mix(long z) {
        // SplitMix64's finaliser: a cheap keyed hash for F() of RFC 6528.
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** The few TCP header fields the lab needs before the codec has parsed the packet. */
    record RawTcp(int srcPort, int dstPort, long seq, int flags, int payloadLength) {
        static RawTcp of(byte[] ip) {
            if (ip.length < 20) {
                return null;
            }
            int ihl = (ip[0] & 0x0f) * 4;
            if (ihl < 20 || ip.length < ihl + 20) {
                return null;
            }
            int total = Math.min(ip.length, ((ip[2] & 0xff) << 8) | (ip[3] & 0xff));
            int dataOffset = ((ip[ihl + 12] & 0xf0) >>> 4) * 4;
            long seq = ((ip[ihl + 4] & 0xffL) << 24)
                    | ((ip[ihl + 5] & 0xff) << 16)
                    | ((ip[ihl + 6] & 0xff) << 8)
                    | (ip[ihl + 7] & 0xff);
            return new RawTcp(
                    ((ip[ihl] & 0xff) << 8) | (ip[ihl + 1] & 0xff),
                    ((ip[ihl + 2] & 0xff) << 8) | (ip[ihl + 3] & 0xff),
                    seq,
                    ip[ihl + 13] & 0xff,
                    Math.max(0, total - ihl - dataOffset));
        }
    }
}
