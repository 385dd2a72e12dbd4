package org.tcplab.server.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.server.lab.ClockMode;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabSpec;

/**
 * Not a test (Maven profile {@code bench}): one lab producing 100 events/s, watched by 100, 500 and
 * 1,000 WebSocket viewers on loopback, with and without 10 viewers that never read; the viewers
 * run in a JVM of their own ({@link FanOutClient}), so heap figures are the server's alone. Then
 * heap per idle lab with 1,000 labs, and heap per lab under issue 8's big-send case. Prints
 * {@code BENCH <name> <value> <unit>} and the machine's load average beside them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-labs=5000",
            "tcplab.labs-per-client-per-minute=100000",
            "tcplab.max-events-per-lab=10000000",
            "tcplab.max-viewers-per-lab=5000",
            "tcplab.max-viewers=5000",
            "logging.level.root=WARN"
        })
class StreamBench {

    static final int RATE = 100;
    static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));

    @LocalServerPort
    int port;

    @Autowired
    LabService labs;

    static void bench(String name, double value, String unit) {
        System.out.printf(java.util.Locale.ROOT, "BENCH %s %.3f %s%n", name, value, unit);
    }

    Lab newLab() {
        return labs.create(LabSpec.defaults().settings(1), ClockMode.INSTANT, 1.0, "bench");
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void fanOut() throws Exception {
        if (System.getProperty("bench.only", "").equals("bigsend")) {
            bigSends();
            return;
        }
        bench("machine.loadavg1.start", loadAverage(), "");
        for (int viewers : new int[] {100, 500, 1000}) {
            run(viewers, 0, false);
            run(viewers, 10, false);
        }
        run(1000, 0, true);
        bench("machine.loadavg1.end", loadAverage(), "");
        idleLabs();
        bigSends();
    }

    static double loadAverage() throws Exception {
        return Double.parseDouble(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                .split(" ")[0]);
    }

    void run(int viewers, int stalled, boolean batch) throws Exception {
        String name = "fanout." + viewers + (stalled > 0 ? ".stalled" + stalled : "") + (batch ? ".batch" : "");
        Lab lab = newLab();
        long startId = lab.lastEventId();
        long baseline = usedHeap();
        String uri = "ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream?after=" + startId
                + (batch ? "&batch=1" : "");
        Process client = new ProcessBuilder(
                        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                                .toString(),
                        "-Xmx1g",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FanOutClient.class.getName(),
                        uri,
                        Integer.toString(viewers),
                        Integer.toString(stalled))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream()));
        String ready = out.readLine();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lab.viewers() < viewers + stalled && System.nanoTime() < deadline) Thread.sleep(20);
        if (stalled == 0 && !batch) {
            bench(name + ".heapPerIdleViewer", (usedHeap() - baseline) / 1024.0 / viewers, "KiB");
        }
        // 100 events/s, each a note of about a segment event's size carrying its creation time.
        String pad = "x".repeat(500);
        long t0 = System.nanoTime();
        long events = RATE * RUN.toSeconds();
        for (long k = 0; k < events; k++) {
            long due = t0 + k * 1_000_000_000L / RATE;
            while (System.nanoTime() < due) Thread.sleep(1);
            lab.sink().emit(new LabEvent.Note(k, null, "t=" + System.nanoTime() + " " + pad));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        java.io.OutputStream in = client.getOutputStream();
        in.write((events + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        String result = out.readLine();
        client.waitFor();
        String[] r = result == null ? new String[0] : result.split(" ");
        if (r.length == 6) {
            bench(name + ".eventsProduced", events / seconds, "events/s");
            bench(name + ".delivered", Long.parseLong(r[1]) / seconds, "events/s");
            bench(name + ".lostByHealthyViewers", Long.parseLong(r[2]), "events");
            bench(name + ".latency.p50", Double.parseDouble(r[3]), "ms");
            bench(name + ".latency.p99", Double.parseDouble(r[4]), "ms");
            bench(name + ".latency.p999", Double.parseDouble(r[5]), "ms");
        } else {
            System.out.println("BENCH " + name + " failed: " + ready + " / " + result);
        }
        if (stalled > 0) bench(name + ".stalledStillOpen", Math.max(0, lab.viewers() - viewers), "viewers");
        bench(name + ".loadavg1", loadAverage(), "");
        labs.delete(lab);
        Thread.sleep(500);
    }

    void idleLabs() throws Exception {
        long before = usedHeap();
        List<Lab> made = new ArrayList<>();
        for (int i = 0; i < 1000; i++) made.add(newLab());
        long after = usedHeap();
        bench("labs.1000.heapPerIdleLab", (after - before) / 1024.0 / 1000, "KiB");
        made.forEach(labs::delete);
    }

    /**
     * Issue 8's case: MTU 65535, MSS 65495, a 1 GiB window, {@code send {"bytes":131072}} 50 times
     * per lab. "before" re-creates what main kept for the same run: every segment's hex display view
     * in its event and every received byte; "now" is what a lab keeps.
     */
    void bigSends() throws Exception {
        int sends = 50;
        int n = 4;
        List<Object> keep = new ArrayList<>();
        long before = usedHeap();
        for (int i = 0; i < n; i++) keep.add(bigLab(sends));
        long after = usedHeap();
        double now = (after - before) / 1024.0 / n;
        bench("bigsend.heapPerLab.now", now / 1024.0, "MiB");
        bench("bigsend.heapPerSend.now", now / sends, "KiB");
        for (Object o : List.copyOf(keep)) {
            Lab lab = (Lab) o;
            List<Object> old = new ArrayList<>();
            for (var e : lab.events(0, Integer.MAX_VALUE)) {
                if (e.event() instanceof LabEvent.SegmentSent s) old.add(s.segment());
            }
            old.add(new byte[sends * 131072]); // the received bytes main kept whole
            keep.add(old);
        }
        long old = usedHeap();
        double was = (old - before) / 1024.0 / n;
        bench("bigsend.heapPerLab.before", was / 1024.0, "MiB");
        bench("bigsend.heapPerSend.before", was / sends, "KiB");
        keep.clear();
    }

    Lab bigLab(int sends) {
        var d = LabSpec.defaults().settings(1).sim();
        var tcp = d.client().withMss(65495).withWindow(1 << 30);
        var config = new org.tcplab.engine.sim.SimConfig(
                1,
                new org.tcplab.engine.link.LinkConfig(
                        d.link().latencyUs(), 0, 0, 65535, d.link().queuePackets()),
                tcp,
                tcp,
                d.clientIp(),
                d.serverIp());
        Lab lab = labs.create(new LabSettings("sim", config, "server"), ClockMode.INSTANT, 1.0, "bench");
        lab.change(x -> {
            x.listen(HostName.SERVER, 80);
            return null;
        });
        String c = lab.change(x -> x.connect(HostName.CLIENT, 40000, 80, null, null, false));
        for (int i = 0; i < sends; i++) {
            lab.change(x -> {
                x.send(c, HostName.CLIENT, new byte[131072]);
                return null;
            });
        }
        return lab;
    }
}
