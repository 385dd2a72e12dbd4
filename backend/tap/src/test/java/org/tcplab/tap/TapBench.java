package org.tcplab.tap;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpState;

/**
 * TAP benchmark (not a test): {@code ./mvnw -B -Pbench -pl backend/tap -am verify} (root only).
 * Prints {@code BENCH <name> <value> <unit>}: bulk throughput each way between our stack and Linux
 * over the tap, Linux to Linux over a veth pair between two namespaces (the ceiling for the
 * kernel), the raw frame rate Java gets through the tap, the ratios, and handshakes per second
 * with Linux with the p50/p99 handshake time, with the CPU each costs (this process, all threads) and
 * the machine's load before and after. A warm-up run of each part comes first (-Dbench.warmup=false
 * skips it); -Dbench.parts=up,down,veth,raw,handshakes picks parts (for a profiler).
 */
public final class TapBench {

    private TapBench() {}

    public static void main(String[] args) throws Exception {
        TapSupport.Availability a = TapSupport.check();
        if (!a.available()) {
            System.out.println("BENCH skipped 0 none  # " + a.reason());
            return;
        }
        int megabytes = Integer.getInteger("bench.megabytes", 100);
        int handshakes = Integer.getInteger("bench.handshakes", 2000);
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "2"));
        // Which parts to run (-Dbench.parts=up,handshakes for a profiler), and whether to warm the JIT
        // up first: on two cores compiling is half the CPU of a cold run of a few seconds.
        List<String> parts = List.of(
                System.getProperty("bench.parts", "up,down,veth,raw,handshakes").split(","));
        boolean warmup = !"false".equals(System.getProperty("bench.warmup"));
        bench("machine_load_1min", load(), "runnable");
        if (warmup) {
            if (parts.contains("up") || parts.contains("down")) {
                bulk(true, megabytes);
                bulk(false, megabytes);
            }
            if (parts.contains("handshakes")) handshakes(handshakes);
        }
        double up = 0;
        double down = 0;
        double veth = 0;
        if (parts.contains("up")) {
            double[] r = bulk(true, megabytes);
            bench("tap_bulk_ours_to_linux", up = r[0], "Mbit/s");
            bench("tap_bulk_ours_to_linux_cpu", r[1], "ms-cpu/MiB");
        }
        if (parts.contains("down")) {
            double[] r = bulk(false, megabytes);
            bench("tap_bulk_linux_to_ours", down = r[0], "Mbit/s");
            bench("tap_bulk_linux_to_ours_cpu", r[1], "ms-cpu/MiB");
        }
        if (parts.contains("veth")) {
            veth = vethLinuxToLinux(Math.max(200, megabytes * 10));
            bench("veth_bulk_linux_to_linux", veth, "Mbit/s");
        }
        if (parts.contains("raw")) {
            double[] raw = rawFrames(seconds);
            bench("tap_raw_write_full_frames", raw[0], "frames/s");
            bench("tap_raw_write_full_frames_bitrate", raw[0] * 1514 * 8 / 1e6, "Mbit/s");
            bench("tap_raw_round_trip_rate", raw[1], "round-trips/s");
            bench("tap_raw_round_trip_p50", raw[2], "us");
            if (up > 0) bench("ratio_ours_to_linux_vs_raw_tap", up / (raw[0] * 1514 * 8 / 1e6), "ratio");
        }
        if (veth > 0 && up > 0) bench("ratio_ours_to_linux_vs_veth", up / veth, "ratio");
        if (veth > 0 && down > 0) bench("ratio_linux_to_ours_vs_veth", down / veth, "ratio");
        if (parts.contains("handshakes")) {
            double[] hs = handshakes(handshakes);
            bench("tap_handshakes_with_linux", hs[0], "handshakes/s");
            bench("tap_handshake_p50", hs[1], "us");
            bench("tap_handshake_p99", hs[2], "us");
            bench("tap_handshake_cpu", hs[3], "us-cpu/handshake");
        }
        bench("machine_load_1min", load(), "runnable");
    }

    /** The machine's 1-minute load average: benchmarks on a shared 2-core machine need it beside them. */
    private static double load() throws java.io.IOException {
        return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                .split(" ")[0]);
    }

    /**
     * CPU this process used (user + system, all threads; the kernel's TCP work for our frames runs in
     * our write(2) calls): on a machine shared with other work, the figure that does not depend on how
     * busy the rest of it is. Two cores divided by it bound the rate.
     */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void bench(String name, double value, String unit) {
        System.out.printf("BENCH %s %.3f %s%n", name, value, unit);
    }

    /** Remembers only what the benchmark waits for: bytes delivered per host, when ours established. */
    private static final class Watcher implements EventSink {
        final Map<HostName, Long> totals = new ConcurrentHashMap<>();
        final Map<String, Long> established = new ConcurrentHashMap<>();
        /** Each connection of ours that reached ESTABLISHED, as it happens (no polling interval in the way). */
        final java.util.concurrent.BlockingQueue<String> newlyEstablished =
                new java.util.concurrent.LinkedBlockingQueue<>();

        HostName ours;

        @Override
        public void emit(LabEvent e) {
            if (e instanceof LabEvent.DataDelivered d) {
                totals.put(d.host(), d.total());
            } else if (e instanceof LabEvent.StateChanged s && s.host() == ours && s.to() == TcpState.ESTABLISHED) {
                established.put(s.connection(), s.timeUs());
                newlyEstablished.add(s.connection());
            }
        }

        void awaitTotal(HostName h, long total, long timeoutMs) {
            long deadline = System.currentTimeMillis() + timeoutMs;
            while (totals.getOrDefault(h, 0L) < total) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException(h.id() + " got " + totals.getOrDefault(h, 0L) + " of " + total);
                }
                LockSupport.parkNanos(200_000);
            }
        }
    }

    /** Megabytes one way over one connection: {Mbit/s, ms of process CPU per MiB}. */
    private static double[] bulk(boolean oursToLinux, int megabytes) throws Exception {
        Watcher w = new Watcher();
        try (TapLab lab = TapLab.start(TapLabConfig.defaults("server"), w)) {
            w.ours = lab.ourHost();
            lab.listen(lab.linuxHost(), 5001);
            String c = lab.connect(lab.ourHost(), 40000, 5001, null, null);
            long deadline = System.currentTimeMillis() + 5000;
            while (!w.established.containsKey(c) && System.currentTimeMillis() < deadline) {
                Thread.sleep(1);
            }
            long size = (long) megabytes << 20;
            byte[] chunk = new byte[1 << 20];
            Arrays.fill(chunk, (byte) 'x');
            HostName receiver = oursToLinux ? lab.linuxHost() : lab.ourHost();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < megabytes; i++) {
                lab.send(c, oursToLinux ? lab.ourHost() : lab.linuxHost(), chunk);
            }
            w.awaitTotal(receiver, size, 300_000);
            double s = (System.nanoTime() - t0) / 1e9;
            return new double[] {size * 8 / s / 1e6, (processCpuNanos() - cpu0) / 1e6 / megabytes};
        }
    }

    /** Linux to Linux: Java sockets in two namespaces joined by a veth pair, one stream. */
    private static double vethLinuxToLinux(int megabytes) throws Exception {
        try (NetNamespace a = NetNamespace.create();
                NetNamespace b = NetNamespace.create()) {
            a.ip("link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b", "netns", b.name());
            a.ip("addr", "add", "203.0.113.1/24", "dev", "veth-a");
            b.ip("addr", "add", "203.0.113.2/24", "dev", "veth-b");
            a.ip("link", "set", "veth-a", "up");
            b.ip("link", "set", "veth-b", "up");
            ServerSocket server = b.inside(() -> {
                ServerSocket s =
                        ServerSocketChannel.open(StandardProtocolFamily.INET).socket();
                s.bind(new InetSocketAddress("203.0.113.2", 5001));
                return s;
            });
            Socket client = a.inside(() -> {
                Socket s = SocketChannel.open(StandardProtocolFamily.INET).socket();
                s.bind(new InetSocketAddress("203.0.113.1", 0));
                return s;
            });
            long size = (long) megabytes << 20;
            long[] got = {0};
            Thread reader = new Thread(() -> {
                try (Socket s = server.accept();
                        InputStream in = s.getInputStream()) {
                    byte[] buf = new byte[1 << 16];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        got[0] += n;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            reader.start();
            client.connect(new InetSocketAddress("203.0.113.2", 5001));
            byte[] chunk = new byte[1 << 20];
            long t0 = System.nanoTime();
            try (OutputStream out = client.getOutputStream()) {
                for (long sent = 0; sent < size; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            reader.join();
            double s = (System.nanoTime() - t0) / 1e9;
            server.close();
            if (got[0] != size) {
                throw new IllegalStateException("veth transfer lost bytes: " + got[0]);
            }
            return size * 8 / s / 1e6;
        }
    }

    /**
     * The wire alone: full-size frames written as fast as Java can (each one a TCP segment to a closed
     * port, which the kernel answers with a RST we read back and discard), then one SYN at a time to
     * a closed port, waiting for Linux's RST: the round trip through the tap.
     */
    private static double[] rawFrames(double seconds) {
        TapLabConfig config = TapLabConfig.defaults("server");
        try (TapLink link = TapLink.open(config)) {
            byte[] probe = TapLinkTest.synTo(config, 40000, 9, 1);
            link.send(probe, 0, () -> {});
            if (TapLinkTest.awaitTcp(link, 3000) == null) {
                throw new IllegalStateException("Linux did not answer on the tap");
            }
            byte[] full = new byte[1500];
            byte[] syn = TapLinkTest.synTo(config, 40001, 9, 1);
            System.arraycopy(syn, 0, full, 0, syn.length);
            full[2] = (byte) (1500 >> 8);
            full[3] = (byte) (1500 & 0xff); // a bad IP checksum now: the kernel drops it in ip_rcv, cheaply
            byte[] frame = new byte[14 + full.length];
            long n = 0;
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                for (int i = 0; i < 64; i++) {
                    link.send(full, 0, () -> {});
                }
                n += 64;
                while (link.receive(0) != null) {
                    // drain whatever the kernel sent back
                }
            }
            double writes = n / ((System.nanoTime() - t0) / 1e9);
            List<Long> rtts = new ArrayList<>();
            end = System.nanoTime() + (long) (seconds * 1e9);
            t0 = System.nanoTime();
            int port = 1024;
            while (System.nanoTime() < end) {
                byte[] s = TapLinkTest.synTo(config, 40002, port++ % 60000 + 1024, 1);
                long start = System.nanoTime();
                link.send(s, 0, () -> {});
                byte[] reply = null;
                while (reply == null) {
                    link.await(100);
                    reply = link.receive(0);
                }
                rtts.add((System.nanoTime() - start) / 1000);
            }
            double rate = rtts.size() / ((System.nanoTime() - t0) / 1e9);
            Collections.sort(rtts);
            return new double[] {writes, rate, rtts.get(rtts.size() / 2)};
        }
    }

    /** Our stack opens, Linux accepts, we abort (no TIME_WAIT), next; time to our ESTABLISHED. */
    private static double[] handshakes(int count) throws Exception {
        Watcher w = new Watcher();
        try (TapLab lab = TapLab.start(TapLabConfig.defaults("server"), w)) {
            w.ours = lab.ourHost();
            lab.listen(lab.linuxHost(), 5001);
            List<Long> times = new ArrayList<>();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long start = lab.nowUs();
                String c = lab.connect(lab.ourHost(), 20000 + i, 5001, null, null);
                // Woken by the event itself: a polling interval here would be measured as handshake time.
                String done = w.newlyEstablished.poll(5, java.util.concurrent.TimeUnit.SECONDS);
                if (!c.equals(done)) {
                    throw new IllegalStateException("handshake " + c + " did not complete (got " + done + ")");
                }
                times.add(w.established.get(c) - start);
                lab.abort(c, lab.ourHost());
            }
            double rate = count / ((System.nanoTime() - t0) / 1e9);
            double cpuUs = (processCpuNanos() - cpu0) / 1e3 / count;
            Collections.sort(times);
            return new double[] {
                rate, times.get(times.size() / 2), times.get((int) Math.ceil(times.size() * 0.99) - 1), cpuUs
            };
        }
    }
}
