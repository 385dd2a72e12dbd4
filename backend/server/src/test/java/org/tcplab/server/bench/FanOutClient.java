package org.tcplab.server.bench;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import reactor.core.Disposable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The fan-out bench's load client, run in a JVM of its own so it does not share the server's heap
 * (its cores it does share: the machine has two). Opens {@code viewers} WebSocket viewers and
 * {@code stalled} raw sockets that never read, then reads events whose text is {@code t=<nanoTime>}
 * (the same monotonic clock across processes on Linux) and prints, when told on stdin to stop:
 * {@code RESULT received lost p50 p99 p999} (milliseconds).
 *
 * <p>Usage: {@code FanOutClient <ws uri> <viewers> <stalled>}; prints {@code READY} once connected.
 */
public final class FanOutClient {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int viewers = Integer.parseInt(args[1]);
        int stalled = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.create(ConnectionProvider.newConnection());
        long[] latencies = new long[20_000_000];
        AtomicLong count = new AtomicLong();
        LongAdder received = new LongAdder();
        LongAdder gaps = new LongAdder();
        LongAdder open = new LongAdder();
        List<Disposable> sessions = new ArrayList<>();
        for (int i = 0; i < viewers; i++) {
            long[] last = {-1};
            sessions.add(http.websocket()
                    .uri(uri)
                    .handle((in, out) -> {
                        open.increment();
                        return in.receive().asString().doOnNext(frame -> {
                            long now = System.nanoTime();
                            // A batch frame is a JSON array of events: count each one.
                            for (int at = frame.indexOf("{\"id\":"); at >= 0; at = frame.indexOf("{\"id\":", at + 1)) {
                                String text = frame.substring(at);
                                long id = Long.parseLong(text.substring(6, text.indexOf(',')));
                                if (last[0] >= 0 && id != last[0] + 1) gaps.increment();
                                last[0] = id;
                                received.increment();
                                int t = text.indexOf("t=");
                                if (t >= 0) {
                                    int end = text.indexOf(' ', t);
                                    long created = Long.parseLong(text.substring(t + 2, end));
                                    long k = count.getAndIncrement();
                                    if (k < latencies.length) latencies[(int) k] = now - created;
                                }
                            }
                        });
                    })
                    .subscribe());
        }
        List<Socket> raw = new ArrayList<>();
        for (int i = 0; i < stalled; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            s.getOutputStream()
                    .write(("GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\nHost: " + uri.getHost()
                                    + ":" + uri.getPort()
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                    + "Sec-WebSocket-Version: 13\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            raw.add(s);
        }
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (open.sum() < viewers && System.nanoTime() < deadline) Thread.sleep(20);
        System.out.println("READY " + open.sum());
        System.out.flush();
        // The bench says when production stopped and how many events it made.
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        long expected = Long.parseLong(line.trim()) * viewers;
        deadline = System.nanoTime() + 30_000_000_000L;
        while (received.sum() < expected && System.nanoTime() < deadline) Thread.sleep(20);
        long n = Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, (int) n);
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "RESULT %d %d %.3f %.3f %.3f%n",
                received.sum(),
                Math.max(0, expected - received.sum()) + gaps.sum(),
                n == 0 ? 0 : sorted[(int) (n * 0.50)] / 1e6,
                n == 0 ? 0 : sorted[(int) Math.min(n - 1, n * 0.99)] / 1e6,
                n == 0 ? 0 : sorted[(int) Math.min(n - 1, n * 0.999)] / 1e6);
        System.out.flush();
        sessions.forEach(Disposable::dispose);
        for (Socket s : raw) s.close();
        System.exit(0);
    }
}
