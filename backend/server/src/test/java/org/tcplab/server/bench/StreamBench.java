package org.tcplab.server.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.ClockMode;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.lab.LabSpec;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Not a test (Maven profile {@code bench}): one lab producing about 100 events/s on the real engine,
 * watched by 100, 500 and 1,000 WebSocket viewers on loopback, with and without 10 viewers that
 * never read; then heap per idle lab with 1,000 labs. Prints {@code BENCH <name> <value> <unit>}.
 * Viewers run in the same JVM as the server, so heap figures cover both ends of each socket.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-labs=5000",
            "tcplab.labs-per-client-per-minute=100000",
            "tcplab.max-events-per-lab=10000000",
            "logging.level.root=WARN"
        })
class StreamBench {

    static final int RATE = 100;
    static final Duration RUN = Duration.ofSeconds(Integer.getInteger("bench.seconds", 8));

    @LocalServerPort
    int port;

    @Autowired
    LabService labs;

    final ReactorNettyWebSocketClient client =
            new ReactorNettyWebSocketClient(HttpClient.create(ConnectionProvider.newConnection()));

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
        for (int viewers : new int[] {100, 500, 1000}) {
            run(viewers, 0);
            run(viewers, 10);
        }
        idleLabs();
    }

    void run(int viewers, int stalled) throws Exception {
        String name = "fanout." + viewers + (stalled > 0 ? ".stalled" + stalled : "");
        Lab lab = newLab();
        lab.change(d -> {
            d.listen(HostName.SERVER, 80);
            return null;
        });
        Map<Long, Long> created = new ConcurrentHashMap<>();
        LongAdder received = new LongAdder();
        long[] latencies = new long[viewers * (RATE * (int) RUN.toSeconds() + 200) * 4];
        AtomicLong latencyCount = new AtomicLong();
        List<long[]> lastIds = new ArrayList<>();
        long baseline = usedHeap();
        List<Disposable> sessions = new ArrayList<>();
        long startId = lab.read(v -> v.lastEventId());
        URI uri = URI.create("ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream?after=" + startId);
        for (int i = 0; i < viewers; i++) {
            long[] last = {startId, 0};
            lastIds.add(last);
            sessions.add(client.execute(uri, session -> session.receive()
                            .doOnNext(m -> {
                                long now = System.nanoTime();
                                String t = m.getPayloadAsText();
                                long id = Long.parseLong(t.substring(6, t.indexOf(',')));
                                if (id != last[0] + 1) last[1]++; // a gap or a repeat
                                last[0] = id;
                                received.increment();
                                Long c = created.get(id);
                                if (c != null) {
                                    long k = latencyCount.getAndIncrement();
                                    if (k < latencies.length) latencies[(int) k] = now - c;
                                }
                            })
                            .then())
                    .subscribe());
        }
        List<Socket> stalledSockets = new ArrayList<>();
        for (int i = 0; i < stalled; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("localhost", port));
            s.getOutputStream()
                    .write(("GET " + uri.getRawPath() + "?after=" + startId + " HTTP/1.1\r\nHost: localhost:" + port
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            stalledSockets.add(s);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (lab.viewers() < viewers + stalled && System.nanoTime() < deadline) Thread.sleep(20);
        if (stalled == 0) {
            bench(name + ".heapPerIdleViewer", (usedHeap() - baseline) / 1024.0 / viewers, "KiB");
        }
        // About 100 events/s: an injected SYN to a closed port logs about six events (sent, delivered,
        // the RST sent and delivered, ...), so one inject every 60 ms gives about 100 events/s.
        long emitted = 0;
        long t0 = System.nanoTime();
        long ticks = RUN.toMillis() / 60;
        for (long k = 0; k < ticks; k++) {
            long due = t0 + k * 60_000_000L;
            while (System.nanoTime() < due) Thread.sleep(1);
            long before = lab.read(v -> v.lastEventId());
            long now = System.nanoTime();
            for (long id = before + 1; id <= before + 8; id++) created.put(id, now);
            int sport = 1024 + (int) (k % 60000);
            long seq = k;
            lab.change(d -> d.inject(
                    HostName.CLIENT,
                    TcpSegment.builder(sport, 9)
                            .seq(seq)
                            .flags(TcpFlag.SYN)
                            .window(1000)
                            .build(),
                    0));
            long after = lab.read(v -> v.lastEventId());
            emitted += after - before;
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long expected = emitted * viewers;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.sum() < expected && System.nanoTime() < deadline) Thread.sleep(20);
        long lost = expected - received.sum();
        long gaps = lastIds.stream().mapToLong(l -> l[1]).sum();
        bench(name + ".eventsProduced", emitted / seconds, "events/s");
        bench(name + ".delivered", received.sum() / seconds, "events/s");
        bench(name + ".lostByHealthyViewers", lost + gaps, "events");
        long n = Math.min(latencyCount.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, (int) n);
        Arrays.sort(sorted);
        if (n > 0) {
            bench(name + ".latency.p50", sorted[(int) (n * 0.50)] / 1e6, "ms");
            bench(name + ".latency.p99", sorted[(int) Math.min(n - 1, n * 0.99)] / 1e6, "ms");
            bench(name + ".latency.p999", sorted[(int) Math.min(n - 1, n * 0.999)] / 1e6, "ms");
        }
        if (stalled > 0) {
            bench(name + ".stalledStillOpen", lab.viewers() - viewers, "viewers");
        }
        sessions.forEach(Disposable::dispose);
        for (Socket s : stalledSockets) s.close();
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
}
