package org.tcplab.engine.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;

/**
 * The engine benchmark (not a test): {@code ./mvnw -B -q -Pbench -pl backend/engine verify}. Runs
 * the JMH benchmarks ({@link CycleBench}, {@link CodecBench}) in forked JVMs with warm-up
 * iterations, then measures heap per idle connection in this JVM, and prints
 * {@code BENCH <name> <value> <unit>}:
 *
 * <ul>
 *   <li>{@code sim_cycles}: simulated handshake + 16 bytes + close (both sides, through TIME-WAIT)
 *       per second, one thread; {@code linux_loopback_cycles}: the same with Java sockets on Linux
 *       loopback, in the same run; {@code sim_vs_linux}: their ratio;
 *   <li>{@code sim_cycle_alloc}: bytes allocated per simulated cycle (JMH's gc profiler);
 *   <li>{@code host_pair_cycles}: the same cycle on two bare TcpHosts handing each other encoded
 *       bytes (the stack and codec without the simulation around them), and its ratio to Linux;
 *   <li>{@code codec_encode}, {@code codec_decode}: segments per second;
 *   <li>{@code heap_per_idle_established}: heap bytes per idle ESTABLISHED connection (both ends'
 *       TCBs and the lab's bookkeeping) over 100,000 connections in one simulation.
 * </ul>
 *
 * Then, in this JVM, {@code *_per_cpu_second}: the same cycles per second of the process's CPU time,
 * a second view when other jobs share the machine (heavy load still moves it: caches, frequency).
 *
 * System properties: {@code bench.forks}, {@code bench.warmups}, {@code bench.iterations},
 * {@code bench.seconds} (per iteration), {@code bench.cpuSeconds} (0: no CPU-time figures),
 * {@code bench.connections}, {@code bench.include} (a
 * regex of benchmark names, or {@code none} for the heap figure alone), {@code bench.profilers} (comma-separated JMH profilers, e.g.
 * {@code gc,stack}). Wall-clock reads are fine here: this measures the engine, it is not part of it.
 */
public final class EngineBench {

    private static final long MAX_STEPS = 10_000_000;

    public static void main(String[] args) throws Exception {
        int forks = Integer.getInteger("bench.forks", 2);
        int warmups = Integer.getInteger("bench.warmups", 5);
        int iterations = Integer.getInteger("bench.iterations", 5);
        int seconds = Integer.getInteger("bench.seconds", 2);
        int connections = Integer.getInteger("bench.connections", 100_000);
        String include = System.getProperty("bench.include", ".*");
        String profilers = System.getProperty("bench.profilers", "gc");

        print("load_average_1m", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), "load");
        if (!include.equals("none")) runJmh(forks, warmups, iterations, seconds, include, profilers);
        int cpuSeconds = Integer.getInteger("bench.cpuSeconds", 10);
        if (cpuSeconds > 0) cpuCycles(cpuSeconds);
        if (connections > 0) heapPerConnection(connections);
    }

    /**
     * The same cycles per second of CPU time the whole process used (all threads, user and system,
     * so Linux's loopback work in the kernel counts, and so do GC and JIT): on a machine other jobs
     * share, wall-clock throughput says as much about them as about us; CPU time says less.
     */
    static void cpuCycles(int seconds) throws Exception {
        CycleBench bench = new CycleBench();
        CycleBench.Sim sim = new CycleBench.Sim();
        sim.start();
        double simRate = perCpuSecond(seconds, () -> bench.simCycle(sim));
        sim.check();
        CycleBench.HostPair pair = new CycleBench.HostPair();
        pair.start();
        double pairRate = perCpuSecond(seconds, () -> bench.hostPairCycle(pair));
        CycleBench.Loopback loopback = new CycleBench.Loopback();
        loopback.start();
        double linuxRate;
        try {
            linuxRate = perCpuSecond(seconds, () -> bench.linuxLoopbackCycle(loopback));
        } finally {
            loopback.stop();
        }
        print("sim_cycles_per_cpu_second", simRate, "cycles/cpu-s");
        print("host_pair_cycles_per_cpu_second", pairRate, "cycles/cpu-s");
        print("linux_loopback_cycles_per_cpu_second", linuxRate, "cycles/cpu-s");
        print("sim_vs_linux_cpu", simRate / linuxRate, "ratio");
        print("host_pair_vs_linux_cpu", pairRate / linuxRate, "ratio");
    }

    interface Cycle {
        void run() throws Exception;
    }

    /** Warms up for {@code seconds} of wall time, then counts cycles over {@code seconds} more. */
    private static double perCpuSecond(int seconds, Cycle cycle) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long warmEnd = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            for (int i = 0; i < 100; i++) cycle.run();
        }
        long cpuStart = os.getProcessCpuTime();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) cycle.run();
            n += 100;
        }
        return n / ((os.getProcessCpuTime() - cpuStart) / 1e9);
    }

    private static void runJmh(int forks, int warmups, int iterations, int seconds, String include, String profilers)
            throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("org\\.tcplab\\.engine\\.bench\\.(" + include + ")")
                .forks(forks)
                .warmupIterations(warmups)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .jvmArgsAppend("-Xms1g", "-Xmx1g")
                .verbosity(VerboseMode.valueOf(System.getProperty("bench.verbosity", "SILENT")));
        for (String p : profilers.split(",")) {
            if (!p.isBlank()) options.addProfiler(p.trim());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        Map<String, RunResult> byName = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            byName.put(name.substring(name.lastIndexOf('.') + 1), r);
        }
        RunResult sim = byName.get("simCycle");
        RunResult linux = byName.get("linuxLoopbackCycle");
        if (sim != null) {
            printScore("sim_cycles", sim.getPrimaryResult(), "cycles/s");
            Result alloc = sim.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) print("sim_cycle_alloc", alloc.getScore(), "bytes/cycle");
        }
        if (linux != null) printScore("linux_loopback_cycles", linux.getPrimaryResult(), "cycles/s");
        RunResult pair = byName.get("hostPairCycle");
        if (pair != null) {
            printScore("host_pair_cycles", pair.getPrimaryResult(), "cycles/s");
            Result alloc = pair.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) print("host_pair_cycle_alloc", alloc.getScore(), "bytes/cycle");
            if (linux != null) {
                print(
                        "host_pair_vs_linux",
                        pair.getPrimaryResult().getScore()
                                / linux.getPrimaryResult().getScore(),
                        "ratio");
            }
        }
        if (sim != null && linux != null) {
            print(
                    "sim_vs_linux",
                    sim.getPrimaryResult().getScore() / linux.getPrimaryResult().getScore(),
                    "ratio");
        }
        if (byName.containsKey("encode")) {
            printScore("codec_encode", byName.get("encode").getPrimaryResult(), "segments/s");
        }
        if (byName.containsKey("decode")) {
            printScore("codec_decode", byName.get("decode").getPrimaryResult(), "segments/s");
        }
    }

    static void print(String name, double value, String unit) {
        String format = Math.abs(value) < 10 ? "BENCH %s %.4f %s" : "BENCH %s %.1f %s";
        System.out.println(String.format(Locale.ROOT, format, name, value, unit));
    }

    /** The score, and JMH's 99.9% confidence half-width as a second line. */
    private static void printScore(String name, Result r, String unit) {
        print(name, r.getScore(), unit);
        if (!Double.isNaN(r.getScoreError())) print(name + "_error", r.getScoreError(), unit);
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
