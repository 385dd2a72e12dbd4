package org.tcplab.tap;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;

/**
 * {@code linuxSide: both}: Linux against Linux, for comparing our stack with the kernel's. Each host
 * is a network namespace of its own (client {@code linuxIp}, server {@code ourIp}) joined by a veth
 * pair; a libpcap capture on the client's end sees every frame both ways and turns each TCP frame
 * into {@code segment.sent} + {@code segment.delivered}; both kernels' states come from their
 * socket tables ({@link LinuxObserver}). Nothing here can touch the frames, so faults are not available, and a
 * kernel cannot be crashed. Generic segmentation is limited to one segment per packet so the
 * capture shows the segments TCP made, not 64 KB super-packets.
 */
public final class LinuxPairLab implements KernelLab {

    static final String CLIENT_DEVICE = "tcplab-c";
    static final String SERVER_DEVICE = "tcplab-s";

    private final TapLabConfig config;
    private final EventSink events;
    private final Map<HostName, NetNamespace> ns = new EnumMap<>(HostName.class);
    private final Map<HostName, Ipv4Address> ips = new EnumMap<>(HostName.class);
    private final Map<HostName, LinuxObserver> observers = new EnumMap<>(HostName.class);
    private final PcapHandle capture;
    private final long t0 = System.nanoTime();
    private final Thread driver;
    private volatile boolean running = true;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final Map<ConnectionKey, String> idsByClientKey = new ConcurrentHashMap<>();
    private final Map<String, Map<HostName, LinuxConnection>> sockets = new ConcurrentHashMap<>();
    private final Map<String, Map<HostName, TcpState>> states = new ConcurrentHashMap<>();
    private final Map<HostName, Map<Integer, ServerSocket>> listeners = new EnumMap<>(HostName.class);
    private final Map<ConnectionKey, SeqNum> seqHigh = new java.util.HashMap<>();
    private int nextConnection = 1;
    private long segmentIds;
    private long nextProcPollUs;
    private long lastFrameUs;
    private long scheduledSeq;
    private final Scheduled scheduled = new Scheduled();

    /** Actions due at a lab time, in time then insertion order; driver thread only. */
    private static final class Scheduled {
        private final java.util.TreeMap<Long, java.util.List<Runnable>> byTime = new java.util.TreeMap<>();

        void add(long[] atAndSeq, Runnable action) {
            byTime.computeIfAbsent(atAndSeq[0], k -> new ArrayList<>()).add(action);
        }

        void runDue(long now) {
            while (!byTime.isEmpty() && byTime.firstKey() <= now) {
                for (Runnable r : byTime.pollFirstEntry().getValue()) {
                    r.run();
                }
            }
        }
    }

    private LinuxPairLab(TapLabConfig config, EventSink events) {
        this.config = config;
        this.events = events;
        ips.put(HostName.CLIENT, config.linuxIp());
        ips.put(HostName.SERVER, config.ourIp());
        for (HostName h : HostName.values()) {
            listeners.put(h, new ConcurrentHashMap<>());
        }
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
            c.ip("addr", "add", config.linuxIp() + "/" + config.prefixLength(), "dev", CLIENT_DEVICE);
            s.ip("addr", "add", config.ourIp() + "/" + config.prefixLength(), "dev", SERVER_DEVICE);
            c.ip("link", "set", CLIENT_DEVICE, "up");
            s.ip("link", "set", SERVER_DEVICE, "up");
            observers.put(HostName.CLIENT, new LinuxObserver(c, config.linuxIp()));
            observers.put(HostName.SERVER, new LinuxObserver(s, config.ourIp()));
            this.capture = c.inside(() -> {
                PcapHandle h = new PcapHandle.Builder(CLIENT_DEVICE)
                        .snaplen(65536)
                        .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                        .timeoutMillis(1)
                        .immediateMode(true)
                        .build();
                h.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
                return h;
            });
        } catch (RuntimeException e) {
            ns.values().forEach(NetNamespace::close);
            throw e;
        }
        this.driver = new Thread(
                this::drive, "tcplab-linux-pair-" + ns.get(HostName.CLIENT).name());
        driver.setDaemon(true);
    }

    public static LinuxPairLab start(TapLabConfig config, EventSink events) {
        LinuxPairLab lab = new LinuxPairLab(config, events);
        lab.driver.start();
        return lab;
    }

    @Override
    public TapLabConfig config() {
        return config;
    }

    @Override
    public long nowUs() {
        return (System.nanoTime() - t0) / 1000;
    }

    @Override
    public TapLab.TapInfo info() {
        return new TapLab.TapInfo(
                ns.get(HostName.CLIENT).name() + "," + ns.get(HostName.SERVER).name(),
                CLIENT_DEVICE + "," + SERVER_DEVICE,
                "both",
                config.linuxIp().toString(),
                config.ourIp().toString(),
                null,
                null,
                listeners(HostName.SERVER));
    }

    /** The namespace of one host (tests, benchmarks). */
    public NetNamespace namespace(HostName host) {
        return ns.get(host);
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return new ArrayList<>(listeners.get(host).keySet());
    }

    @Override
    public TcpState state(String connection, HostName side) {
        return states.getOrDefault(connection, Map.of()).getOrDefault(side, TcpState.CLOSED);
    }

    @Override
    public byte[] received(String connection, HostName side) {
        return socket(connection, side).received();
    }

    @Override
    public List<ConnectionSnapshot> ourConnections() {
        return List.of();
    }

    @Override
    public void listen(HostName side, int port) {
        if (listeners.get(side).containsKey(port)) {
            throw new TcpUserException("connection already exists");
        }
        Ipv4Address ip = ips.get(side);
        ServerSocket ss = ns.get(side).inside(() -> {
            ServerSocket s =
                    ServerSocketChannel.open(StandardProtocolFamily.INET).socket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(EthernetLink.inet(ip), port), 128);
            return s;
        });
        listeners.get(side).put(port, ss);
        Thread t = new Thread(() -> acceptLoop(side, ss), "tcplab-pair-accept-" + side.id() + "-" + port);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn) {
        if (isn != null || peerIsn != null) {
            throw new IllegalArgumentException(
                    (isn != null ? "isn" : "peerIsn") + ": the Linux kernel chooses its own ISNs");
        }
        Ipv4Address local = ips.get(from);
        Ipv4Address remote = ips.get(from.other());
        Socket socket = ns.get(from).inside(() -> {
            Socket s = SocketChannel.open(StandardProtocolFamily.INET).socket();
            s.bind(new InetSocketAddress(EthernetLink.inet(local), localPort));
            return s;
        });
        ConnectionKey mine = new ConnectionKey(local, socket.getLocalPort(), remote, remotePort);
        String id = call(() -> register(from == HostName.CLIENT ? mine : mine.reversed()));
        LinuxConnection lc = new LinuxConnection(id, listener(from));
        sockets.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(from, lc);
        lc.connectWith(socket, new InetSocketAddress(EthernetLink.inet(remote), remotePort));
        return id;
    }

    @Override
    public void send(String connection, HostName side, byte[] data) {
        socket(connection, side).send(data);
    }

    @Override
    public void close(String connection, HostName side) {
        socket(connection, side).close();
    }

    @Override
    public void abort(String connection, HostName side) {
        socket(connection, side).abort();
    }

    @Override
    public void setReading(String connection, HostName side, boolean reading) {
        socket(connection, side).setReading(reading);
    }

    @Override
    public void crash(HostName side) {
        throw new TcpUserException("the Linux kernel cannot be crashed from a lab; abort its connection instead");
    }

    @Override
    public Ipv4Address address(HostName host) {
        return ips.get(host);
    }

    @Override
    public long inject(HostName from, org.tcplab.engine.wire.TcpSegment segment, long delayUs) {
        throw new TcpUserException(
                "crafted segments need our stack on the wire; with linuxSide both the frames belong to Linux");
    }

    @Override
    public void schedule(long atUs, Runnable action) {
        tasks.add(() -> scheduled.add(new long[] {atUs, scheduledSeq++}, action));
    }

    @Override
    public FaultRule addFault(FaultRule rule) {
        throw new TcpUserException("faults need our stack on the wire; with linuxSide both the frames belong to Linux");
    }

    @Override
    public boolean removeFault(int id) {
        return false;
    }

    @Override
    public List<FaultRule> faults() {
        return List.of();
    }

    @Override
    public void close() {
        running = false;
        try {
            driver.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Map<Integer, ServerSocket> m : listeners.values()) {
            for (ServerSocket ss : m.values()) {
                try {
                    ss.close();
                } catch (IOException ignored) {
                    // the namespace goes next
                }
            }
        }
        for (Map<HostName, LinuxConnection> m : sockets.values()) {
            m.values().forEach(LinuxConnection::dispose);
        }
        capture.close();
        observers.values().forEach(LinuxObserver::close);
        ns.values().forEach(NetNamespace::close);
    }

    /** A new lab id for a connection (keyed as the client sees it); both kernels' ends are watched. */
    private String register(ConnectionKey clientKey) {
        String id = Integer.toString(nextConnection++);
        idsByClientKey.put(clientKey, id);
        observers.get(HostName.CLIENT).watch(clientKey, nowUs());
        observers.get(HostName.SERVER).watch(clientKey.reversed(), nowUs());
        return id;
    }

    private LinuxConnection socket(String connection, HostName side) {
        LinuxConnection c = sockets.getOrDefault(connection, Map.of()).get(side);
        if (c == null) {
            throw new TcpUserException("connection does not exist");
        }
        return c;
    }

    private void acceptLoop(HostName side, ServerSocket ss) {
        while (running && !ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            ConnectionKey mine = new ConnectionKey(ips.get(side), s.getLocalPort(), ips.get(side.other()), s.getPort());
            ConnectionKey clientKey = side == HostName.CLIENT ? mine : mine.reversed();
            String id = idsByClientKey.get(clientKey);
            if (id == null) {
                id = call(() -> register(clientKey));
            }
            LinuxConnection lc = new LinuxConnection(id, listener(side));
            sockets.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(side, lc);
            lc.attach(s);
        }
    }

    private LinuxConnection.Listener listener(HostName host) {
        return new LinuxConnection.Listener() {
            @Override
            public void data(LinuxConnection c, int bytes, long total) {
                tasks.add(() -> events.emit(new LabEvent.DataDelivered(nowUs(), c.id(), host, bytes, total)));
            }

            @Override
            public void error(LinuxConnection c, String error, String detail) {
                tasks.add(() -> events.emit(new LabEvent.ErrorRaised(nowUs(), c.id(), host, error, detail)));
            }
        };
    }

    private void drive() {
        try {
            while (running) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                scheduled.runDue(nowUs());
                boolean any = false;
                for (int i = 0; i < 256; i++) {
                    Packet p = capture.getNextPacket();
                    if (p == null) {
                        break;
                    }
                    any = true;
                    frame(p.getRawData());
                }
                long now = nowUs();
                if (now >= nextProcPollUs) {
                    nextProcPollUs = now + config.procPollUs();
                    observe(HostName.CLIENT);
                    observe(HostName.SERVER);
                }
                if (any) {
                    lastFrameUs = now;
                } else {
                    // The capture has no descriptor to wait on here: poll briskly while traffic
                    // flows, gently once the wire has been quiet for a second.
                    LockSupport.parkNanos(now - lastFrameUs < 1_000_000 ? 200_000 : 5_000_000);
                }
            }
        } catch (Throwable t) {
            try {
                events.emit(new LabEvent.Note(nowUs(), null, "Linux pair lab stopped: " + t));
            } catch (RuntimeException ignored) {
                // nothing more to tell
            }
        }
    }

    private void frame(byte[] raw) {
        EthernetPacket eth;
        try {
            eth = EthernetPacket.newPacket(raw, 0, raw.length);
        } catch (Exception e) {
            return;
        }
        IpV4Packet ip = eth.get(IpV4Packet.class);
        if (ip == null || ip.getHeader().getProtocol().value() != 6) {
            return;
        }
        byte[] packet = Arrays.copyOf(
                ip.getRawData(), Math.min(ip.getRawData().length, ip.getHeader().getTotalLengthAsInt()));
        TapLab.RawTcp t = TapLab.RawTcp.of(packet);
        if (t == null) {
            return;
        }
        Ipv4Address src = Ipv4Address.of(ip.getHeader().getSrcAddr().getAddress());
        HostName from = src.equals(ips.get(HostName.CLIENT)) ? HostName.CLIENT : HostName.SERVER;
        ConnectionKey senderKey = new ConnectionKey(src, t.srcPort(), ips.get(from.other()), t.dstPort());
        ConnectionKey clientKey = from == HostName.CLIENT ? senderKey : senderKey.reversed();
        String connection = idsByClientKey.get(clientKey);
        long id = ++segmentIds;
        long now = nowUs();
        events.emit(new LabEvent.SegmentSent(
                now,
                connection,
                id,
                from,
                from.other(),
                retransmission(senderKey, t),
                false,
                TcpCodec.describe(packet),
                null));
        events.emit(new LabEvent.SegmentDelivered(now, connection, id, from.other()));
    }

    private boolean retransmission(ConnectionKey key, TapLab.RawTcp raw) {
        int len = raw.payloadLength() + ((raw.flags() & 0x02) != 0 ? 1 : 0) + ((raw.flags() & 0x01) != 0 ? 1 : 0);
        if (len == 0 || (raw.flags() & 0x04) != 0) {
            return false;
        }
        SeqNum end = SeqNum.of(raw.seq()).plus(len);
        SeqNum high = seqHigh.get(key);
        if ((raw.flags() & 0x02) != 0) {
            seqHigh.put(key, end);
            return end.equals(high);
        }
        if (high != null && end.lessOrEqual(high)) {
            return true;
        }
        seqHigh.put(key, end);
        return false;
    }

    private void observe(HostName host) {
        for (LinuxStateTracker.Transition t :
                observers.get(host).poll(nowUs(), listeners.get(host).keySet())) {
            ConnectionKey clientKey =
                    host == HostName.CLIENT ? t.key() : t.key().reversed();
            String connection = idsByClientKey.get(clientKey);
            if (connection != null) {
                states.computeIfAbsent(connection, k -> new ConcurrentHashMap<>())
                        .put(host, t.to());
            }
            events.emit(new LabEvent.StateChanged(nowUs(), connection, host, t.from(), t.to(), TapLab.OBSERVED));
        }
    }

    private <T> T call(Callable<T> work) {
        if (Thread.currentThread() == driver) {
            try {
                return work.call();
            } catch (Exception e) {
                throw new TapException(e.getMessage(), e);
            }
        }
        FutureTask<T> task = new FutureTask<>(work);
        tasks.add(task);
        try {
            return task.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new TapException(String.valueOf(e.getCause()), e);
        } catch (Exception e) {
            throw new IllegalStateException("the lab did not answer", e);
        }
    }
}
