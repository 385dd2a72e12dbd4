package org.tcplab.server.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The quiz bench's class, in a JVM of its own: {@code students} answers to one question, at most
 * {@code concurrency} in flight, each from its own name. Prints {@code RESULT ok refused seconds
 * p50 p99 max} (latencies in milliseconds).
 *
 * <p>Usage: {@code QuizClient <answers uri> <students> <concurrency>}.
 */
public final class QuizClient {

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int students = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        // Warm the client's own JIT and connections with a request the server refuses (no such question).
        String warm = uri.toString().replaceFirst("/questions/\\d+/", "/questions/999999/");
        for (int i = 0; i < 20; i++) send(http, URI.create(warm), "warm" + i).join();
        Semaphore slots = new Semaphore(concurrency);
        long[] latencies = new long[students];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        List<CompletableFuture<?>> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < students; i++) {
            slots.acquire();
            int k = i;
            long start = System.nanoTime();
            all.add(send(http, uri, "student-" + i).whenComplete((r, e) -> {
                latencies[k] = System.nanoTime() - start;
                if (e == null && r.statusCode() == 201) ok.incrementAndGet();
                else refused.incrementAndGet();
                slots.release();
            }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(latencies);
        System.out.printf(
                Locale.ROOT,
                "RESULT %d %d %.3f %.2f %.2f %.2f%n",
                ok.get(),
                refused.get(),
                seconds,
                latencies[students / 2] / 1e6,
                latencies[(int) (students * 0.99)] / 1e6,
                latencies[students - 1] / 1e6);
    }

    private static CompletableFuture<HttpResponse<String>> send(HttpClient http, URI uri, String name) {
        String body = "{\"name\":\"" + name + "\",\"from\":\"server\",\"flags\":[\"SYN\",\"ACK\"],\"ack\":1001}";
        return http.sendAsync(
                HttpRequest.newBuilder(uri)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
