package org.tcplab.engine.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * The engine benchmark (not a test). Run it with
 * {@code ./mvnw -B -Pbench -pl backend/engine verify} (the {@code bench} profile skips the tests,
 * compiles them, and runs this class in a fresh JVM). Prints {@code BENCH <name> <value> <unit>}:
 *
 * <ul>
 *   <li>{@code sim_cycles}: simulated handshake + 16 bytes of data + close (both sides, through
 *       TIME_WAIT) per second of wall time, one thread;
 *   <li>{@code codec_encode}, {@code codec_decode}: segments per second;
 *   <li>{@code linux_loopback_cycles}: Java sockets on 127.0.0.1, connect + accept + write 1 byte +
 *       close per second, one client thread and one accepting thread; {@code sim_vs_linux} the ratio;
 *   <li>{@code heap_per_idle_established}: heap bytes per idle ESTABLISHED connection (both ends'
 *       TCBs and the lab's bookkeeping) over 100,000 connections in one simulation.
 * </ul>
 * Wall-clock reads are fine here: this measures the engine, it is not part of it.
 */
public final class EngineBench {

    private static final long MAX_STEPS = 10_000_000;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        int heapConnections = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        codec(seconds);
        double linux = linuxCycles(seconds);
        double sim = simCycles(seconds);
        print("sim_vs_linux", sim / linux, "ratio");
        heapPerConnection(heapConnections);
    }

    static void print(String name, double value, String unit) {
        String format = Math.abs(value) < 10 ? "BENCH %s %.4f %s" : "BENCH %s %.1f %s";
        System.out.println(String.format(Locale.ROOT, format, name, value, unit));
    }

    // ---- codec ----

    static void codec(double seconds) {
        TcpSegment seg = TcpSegment.builder(40000, 80)
                .seq(1_000_000)
                .ack(2_000_000)
                .window(502)
                .options(new TcpOption.NoOp(), new TcpOption.NoOp(), new TcpOption.Timestamps(123456, 654321))
                .payload(new byte[100])
                .build();
        TcpDatagram d = new TcpDatagram(Ipv4Address.CLIENT_DEFAULT, Ipv4Address.SERVER_DEFAULT, seg);
        byte[] bytes = TcpCodec.encode(d);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) sink += TcpCodec.encode(d).length; // warm-up
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) sink += TcpCodec.encode(d).length;
            n += 1000;
        }
        print("codec_encode", n / ((System.nanoTime() - start) / 1e9), "segments/s");
        for (int i = 0; i < 20_000; i++) sink += TcpCodec.decode(bytes).hashCode();
        n = 0;
        start = System.nanoTime();
        end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 1000; i++) {
                if (TcpCodec.decode(bytes) instanceof TcpCodec.Decoded.Accepted) sink++;
            }
            n += 1000;
        }
        print("codec_decode", n / ((System.nanoTime() - start) / 1e9), "segments/s");
        if (sink == 42) System.out.println();
    }

    // ---- simulated cycles ----

    static double simCycles(double seconds) {
        Simulation sim = new Simulation(SimConfig.defaults(1), EventSink.NONE);
        sim.listen(HostName.SERVER, 80);
        byte[] data = new byte[16];
        int port = 1024;
        for (int i = 0; i < 2000; i++) port = simCycle(sim, port, data); // warm-up
        long n = 0;
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) port = simCycle(sim, port, data);
            n += 100;
        }
        double rate = n / ((System.nanoTime() - start) / 1e9);
        // Every cycle must really have closed both ends, or the figure measures something else.
        if (!sim.host(HostName.CLIENT).connections().isEmpty()
                || !sim.host(HostName.SERVER).connections().isEmpty()) {
            throw new IllegalStateException("simulated cycles left connections behind");
        }
        print("sim_cycles", rate, "cycles/s");
        return rate;
    }

    private static int simCycle(Simulation sim, int port, byte[] data) {
        String c = sim.connect(HostName.CLIENT, port, 80, null, null, false);
        sim.runUntil(sim.nowUs() + 50_000); // handshake: one round trip at 10 ms each way
        if (sim.host(HostName.SERVER).state(sim.connectionKey(c, HostName.SERVER)) != TcpState.ESTABLISHED) {
            throw new IllegalStateException("simulated handshake did not complete");
        }
        sim.send(c, HostName.CLIENT, data);
        sim.close(c, HostName.CLIENT);
        sim.runUntil(sim.nowUs() + 50_000); // data and FIN arrive, the server is in CLOSE-WAIT
        sim.close(c, HostName.SERVER);
        if (!sim.runUntilIdle(MAX_STEPS)) throw new IllegalStateException("simulation did not settle");
        return port >= 65535 ? 1024 : port + 1;
    }

    // ---- Linux on loopback ----

    static double linuxCycles(double seconds) throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 1024, lo)) {
            AtomicBoolean running = new AtomicBoolean(true);
            Thread acceptor = new Thread(
                    () -> {
                        byte[] one = new byte[1];
                        while (running.get()) {
                            try (Socket s = server.accept();
                                    InputStream in = s.getInputStream()) {
                                in.read(one);
                            } catch (IOException e) {
                                if (running.get()) throw new IllegalStateException(e);
                            }
                        }
                    },
                    "bench-acceptor");
            acceptor.start();
            InetSocketAddress to = new InetSocketAddress(lo, server.getLocalPort());
            for (int i = 0; i < 2000; i++) linuxCycle(to); // warm-up
            long n = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                linuxCycle(to);
                n++;
            }
            double rate = n / ((System.nanoTime() - start) / 1e9);
            running.set(false);
            server.close();
            acceptor.join(5000);
            print("linux_loopback_cycles", rate, "cycles/s");
            return rate;
        }
    }

    private static void linuxCycle(InetSocketAddress to) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(to);
            OutputStream out = s.getOutputStream();
            out.write(1);
        }
    }

    // ---- memory ----

    static void heapPerConnection(int connections) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Simulation sim = new Simulation(SimConfig.defaults(2), EventSink.NONE);
        int[] serverPorts = new int[(connections + 59_999) / 60_000];
        for (int i = 0; i < serverPorts.length; i++) {
            serverPorts[i] = 80 + i;
            sim.listen(HostName.SERVER, serverPorts[i]);
        }
        // Warm the code paths first so class loading and JIT structures are not counted as connections.
        Simulation warm = new Simulation(SimConfig.defaults(3), EventSink.NONE);
        warm.listen(HostName.SERVER, 80);
        for (int i = 0; i < 1000; i++) warm.connect(HostName.CLIENT, 1024 + i, 80, null, null, false);
        warm.runUntilIdle(MAX_STEPS);
        warm = null;
        long before = usedHeap(memory);
        int made = 0;
        while (made < connections) {
            // In batches below the listen backlog: the host accepts as the handshakes complete.
            int batch = Math.min(100, connections - made);
            for (int i = 0; i < batch; i++, made++) {
                sim.connect(HostName.CLIENT, 1024 + made % 60_000, serverPorts[made / 60_000], null, null, false);
            }
            if (!sim.runUntilIdle(MAX_STEPS)) throw new IllegalStateException("simulation did not settle");
        }
        long after = usedHeap(memory);
        List<ConnectionSnapshot> client = sim.host(HostName.CLIENT).connections();
        List<ConnectionSnapshot> server = sim.host(HostName.SERVER).connections();
        long established =
                client.stream().filter(s -> s.state() == TcpState.ESTABLISHED).count();
        long serverEstablished =
                server.stream().filter(s -> s.state() == TcpState.ESTABLISHED).count();
        print("heap_connections_established", Math.min(established, serverEstablished), "connections");
        print("heap_per_idle_established", (after - before) / (double) connections, "bytes/connection");
        if (sim.nowUs() < 0) System.out.println(sim); // keep the simulation reachable until measured
    }

    private static long usedHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }
}
