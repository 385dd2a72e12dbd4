package org.tcplab.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.RedisProcess;
import org.tcplab.server.support.ServerProcess;
import org.tcplab.server.support.Servers;
import reactor.core.Disposable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Cluster mode as a school runs it: a real redis-server and two real server processes. A lab made
 * on A is watched and driven through B (B forwards changes to A, its viewer follows A's journal);
 * A is killed with SIGKILL; B takes the lab over when A's lease lapses and the lab goes on, the
 * viewer on B seeing every id once, in order. Limits count over both instances. Prints the
 * failover time (kill to the first change answered through B).
 */
class ClusterFailoverTest {

    private static final Duration LEASE = RedisProcess.INSTANCE_LEASE;

    @TempDir
    Path dir;

    @Test
    void aLabOutlivesTheInstanceThatRanIt() throws Exception {
        assumeTrue(
                RedisProcess.binary().isPresent(),
                "no redis-server on this machine: apt-get install redis-server (.ci/run installs it)");
        try (RedisProcess redis = RedisProcess.start(dir.resolve("redis"))) {
            CompletableFuture<ServerProcess> startA = CompletableFuture.supplyAsync(() -> start("a", redis));
            ServerProcess b = start("b", redis);
            try (ServerProcess a = startA.join();
                    b) {
                LabClient onA = new LabClient(Servers.client(a.port()));
                WebTestClient webB = Servers.client(b.port());
                LabClient onB = new LabClient(webB);

                Created lab = onA.create(Map.of("seed", 7, "link", Map.of("latencyMs", 2)));
                onA.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                        .expectStatus()
                        .isCreated();

                // A viewer on B, which does not run the lab: it follows A's journal.
                List<Long> seen = new CopyOnWriteArrayList<>();
                Disposable viewer = view(b, lab, seen);
                try {
                    // A change through B is forwarded to A and answered once journaled.
                    onB.post(lab, "/connections/1/send", Map.of("side", "client", "text", "through B"))
                            .expectStatus()
                            .isAccepted();
                    List<Map<String, Object>> fromA = onA.events(lab, 0);
                    assertThat(onB.events(lab, 0)).isEqualTo(fromA);
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= fromA.size());

                    a.kill();
                    long killed = System.nanoTime();
                    // B answers 503 while A's lease lives; then it takes the lab over from the journal.
                    int refused = 0;
                    while (status(onB.post(lab, "/connections/1/send", Map.of("side", "client", "text", "after A")))
                            == 503) {
                        refused++;
                        assertThat(System.nanoTime() - killed)
                                .isLessThan(Duration.ofSeconds(30).toNanos());
                        Thread.sleep(100);
                    }
                    long failoverMs = (System.nanoTime() - killed) / 1_000_000;
                    onB.post(lab, "/connections/1/close", Map.of("side", "client"))
                            .expectStatus()
                            .isAccepted();

                    List<Map<String, Object>> all = onB.events(lab, 0);
                    assertThat(all.subList(0, fromA.size())).isEqualTo(fromA);
                    assertThat(ids(all))
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, all.size())
                                    .boxed()
                                    .toList());
                    assertThat(all.stream().map(e -> e.get("type"))).contains("state");
                    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= all.size());
                    assertThat(seen).containsExactlyElementsOf(ids(all));
                    System.out.printf(
                            "BENCH cluster_failover %d ms (kill -9 to the first change answered by the other instance;"
                                    + " lease %d s, %d answers 503 meanwhile)%n",
                            failoverMs, LEASE.toSeconds(), refused);
                } finally {
                    viewer.dispose();
                }

                // A stop (SIGTERM) gives the leases up: the other instance takes over with no wait.
                try (ServerProcess c = start("c", redis)) {
                    LabClient onC = new LabClient(Servers.client(c.port()));
                    Created second = onB.create(Map.of("seed", 8));
                    onB.post(second, "/connections", Map.of("remotePort", 80, "autoListen", true))
                            .expectStatus()
                            .isCreated();
                    long before = onC.events(second, 0).size();
                    Duration stopped = b.terminate();
                    long handedOver = System.nanoTime();
                    onC.post(second, "/connections/1/close", Map.of("side", "client"))
                            .expectStatus()
                            .isAccepted();
                    List<Map<String, Object>> after = onC.events(second, 0);
                    assertThat(after.size()).isGreaterThan((int) before);
                    assertThat(ids(after))
                            .containsExactlyElementsOf(LongStream.rangeClosed(1, after.size())
                                    .boxed()
                                    .toList());
                    System.out.printf(
                            "BENCH cluster_handover_after_sigterm %d ms (stop took %d ms; first change answered by the"
                                    + " other instance at once, no 503)%n",
                            (System.nanoTime() - handedOver) / 1_000_000, stopped.toMillis());

                    // Limits hold over the cluster: 3 labs a minute per address (1 made on A, 1 on B, 1 on C).
                    onC.create(Map.of());
                    limits(Servers.client(c.port()));
                }
            }
        }
    }

    /** 3 labs a minute per address and 4 labs at most, counted over every instance. */
    private static void limits(WebTestClient web) {
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("counted over every instance"));
        // One more from another address (believed from a trusted proxy), then the cluster is full.
        create(web, "10.9.9.1").isCreated();
        create(web, "10.9.9.2").isEqualTo(503).expectBody().jsonPath("$.detail").value(d -> assertThat((String) d)
                .contains("tcplab.max-labs"));
    }

    private ServerProcess start(String name, RedisProcess redis) {
        return redis.instance(dir, name, "--tcplab.max-labs=4", "--tcplab.labs-per-client-per-minute=3");
    }

    private static org.springframework.test.web.reactive.server.StatusAssertions create(
            WebTestClient web, String client) {
        return web.post()
                .uri("/api/labs")
                .header("X-Forwarded-For", client)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus();
    }

    private static int status(WebTestClient.ResponseSpec answer) {
        return answer.returnResult(byte[].class).getStatus().value();
    }

    private static List<Long> ids(List<Map<String, Object>> events) {
        List<Long> ids = new ArrayList<>();
        for (Map<String, Object> e : events) ids.add(((Number) e.get("id")).longValue());
        return ids;
    }

    private static Disposable view(ServerProcess server, Created lab, List<Long> seen) {
        JsonMapper json = JsonMapper.builder().build();
        return new ReactorNettyWebSocketClient()
                .execute(
                        URI.create(
                                "ws://127.0.0.1:" + server.port() + "/api/labs/" + lab.id() + "/events/stream?after=0"),
                        s -> s.receive()
                                .doOnNext(m -> {
                                    JsonNode e = json.readTree(m.getPayloadAsText());
                                    seen.add(e.path("id").asLong());
                                })
                                .then())
                .subscribe();
    }
}
