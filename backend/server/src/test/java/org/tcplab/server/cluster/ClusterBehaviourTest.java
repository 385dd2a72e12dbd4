package org.tcplab.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.RedisProcess;
import org.tcplab.server.support.Servers;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two instances in one JVM sharing a real redis-server: what a class sees when its requests and
 * viewers land on an instance that does not run its lab. (ClusterFailoverTest stops real processes:
 * two contexts in one JVM share Reactor Netty's global resources, so one cannot stop alone.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterBehaviourTest {

    @TempDir
    static Path dir;

    static RedisProcess redis;
    static ConfigurableApplicationContext a;
    static ConfigurableApplicationContext b;
    static LabClient onA;
    static LabClient onB;
    static WebTestClient webB;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(
                RedisProcess.binary().isPresent(),
                "no redis-server on this machine: apt-get install redis-server (.ci/run installs it)");
        redis = RedisProcess.start(dir.resolve("redis"));
        a = instance("a");
        b = instance("b");
        onA = new LabClient(Servers.client(Servers.port(a)));
        webB = Servers.client(Servers.port(b));
        onB = new LabClient(webB);
    }

    private static ConfigurableApplicationContext instance(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return Servers.start(
                dir.resolve(name),
                List.of(),
                "server.port=" + port,
                "server.address=127.0.0.1",
                "tcplab.cluster.redis-url=" + redis.url(),
                "tcplab.cluster.lease-time=3s");
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) b.close();
        if (a != null) a.close();
        if (redis != null) redis.close();
    }

    @Test
    @Order(1)
    void aRealtimeLabIsWatchedLiveOnAnotherInstance() {
        Created lab = onA.create(Map.of("clock", "realtime", "link", Map.of("latencyMs", 20)));
        List<String> types = new CopyOnWriteArrayList<>();
        Disposable viewer = view(lab, types, new AtomicInteger());
        try {
            onA.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                    .expectStatus()
                    .isCreated();
            // Nothing but the viewer asks B: it learns of A's journal as A writes it (every second
            // for a realtime lab) and plays the same events.
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> types.contains("state"));
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> onA.events(lab, 0).size() <= types.size());
        } finally {
            viewer.dispose();
        }
    }

    @Test
    @Order(2)
    void tokensAndTheQuizWorkThroughAnyInstance() {
        Created lab = onA.create(Map.of());
        webB.post()
                .uri("/api/labs/" + lab.id() + "/connections")
                .headers(h -> h.setBearerAuth("not-the-token"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("remotePort", 80, "autoListen", true))
                .exchange()
                .expectStatus()
                .isForbidden();
        onB.post(lab, "/quiz", Map.of("enabled", true)).expectStatus().is2xxSuccessful();
        // The quiz's state lives with the lab on A; B forwards reads of it too.
        webB.get()
                .uri("/api/labs/" + lab.id() + "/quiz")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.enabled")
                .isEqualTo(true);
    }

    @Test
    @Order(3)
    void aLabDeletedOnOneInstanceIsGoneOnTheOther() {
        Created lab = onA.create(Map.of());
        AtomicInteger closed = new AtomicInteger();
        Disposable viewer = view(lab, new CopyOnWriteArrayList<>(), closed);
        try {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() ->
                            b.getBean(org.tcplab.server.lab.LabService.class).size() > 0
                                    && webB.get()
                                                    .uri("/api/labs/" + lab.id())
                                                    .exchange()
                                                    .returnResult(byte[].class)
                                                    .getStatus()
                                                    .value()
                                            == 200);
            webB.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> webB.get()
                                    .uri("/api/labs/" + lab.id())
                                    .exchange()
                                    .returnResult(byte[].class)
                                    .getStatus()
                                    .value()
                            == 404);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> closed.get() > 0);
        } finally {
            viewer.dispose();
        }
    }

    @Test
    @Order(4)
    void tapLabsAreNotOfferedAndSaySo() {
        webB.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mode", "tap"))
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("cluster mode"));
        webB.get()
                .uri("/api/system/capabilities")
                .exchange()
                .expectBody()
                .jsonPath("$.modes.tap.available")
                .isEqualTo(false)
                .jsonPath("$.modes.tap.reason")
                .value(r -> assertThat((String) r).contains("cluster mode"));
    }

    private static Disposable view(Created lab, List<String> types, AtomicInteger closed) {
        JsonMapper json = JsonMapper.builder().build();
        return new ReactorNettyWebSocketClient()
                .execute(
                        URI.create("ws://127.0.0.1:" + Servers.port(b) + "/api/labs/" + lab.id() + "/events/stream"),
                        s -> s.receive()
                                .doOnNext(m -> types.add(json.readTree(m.getPayloadAsText())
                                        .path("type")
                                        .asString()))
                                .then(Mono.fromRunnable(closed::incrementAndGet)))
                .subscribe();
    }
}
