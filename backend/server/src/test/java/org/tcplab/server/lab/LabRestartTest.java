package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.ManualWallClock;
import org.tcplab.server.support.Servers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Labs survive a restart of the server on the same data directory: same events and ids, the token
 * still works, a scenario keeps its verdict, a step lab its time, a realtime lab goes on from its
 * virtual time, a viewer resumes with after=N, and a deleted lab stays deleted.
 */
class LabRestartTest {

    @TempDir
    Path dataDir;

    @TestConfiguration
    static class HandClock {
        @Bean
        @Primary
        ManualWallClock manualWallClock() {
            return new ManualWallClock();
        }
    }

    record Server(ConfigurableApplicationContext ctx, WebTestClient web, LabClient api) implements AutoCloseable {
        static Server start(Path dir) {
            ConfigurableApplicationContext ctx = Servers.start(dir, List.of(HandClock.class));
            WebTestClient web = Servers.client(Servers.port(ctx));
            return new Server(ctx, web, new LabClient(web));
        }

        ManualWallClock clock() {
            return ctx.getBean(ManualWallClock.class);
        }

        LabService labs() {
            return ctx.getBean(LabService.class);
        }

        @Override
        public void close() {
            ctx.close();
        }
    }

    @Test
    void everyLabAnswersAsBeforeAfterARestart() {
        Created instant;
        Created scenario;
        Created step;
        Created realtime;
        Created deleted;
        List<Map<String, Object>> instantEvents;
        Map<String, Object> instantSnapshot;
        List<Map<String, Object>> scenarioEvents;
        Object verdict;
        Map<String, Object> stepSnapshot;
        List<Map<String, Object>> stepEvents;
        List<Map<String, Object>> realtimeEvents;
        double realtimeTime;
        try (Server a = Server.start(dataDir)) {
            instant = a.api().create(Map.of("seed", 7, "link", Map.of("latencyMs", 5)));
            a.api()
                    .post(
                            instant,
                            "/faults",
                            Map.of("direction", "both", "action", "drop", "match", Map.of("probability", 0.3)))
                    .expectStatus()
                    .isCreated();
            a.api()
                    .post(instant, "/connections", Map.of("remotePort", 80, "autoListen", true))
                    .expectStatus()
                    .isCreated();
            a.api()
                    .post(instant, "/connections/1/send", Map.of("side", "client", "bytes", 6000))
                    .expectStatus()
                    .isAccepted();
            instantEvents = a.api().events(instant, 0);
            instantSnapshot = a.api().snapshot(instant);

            scenario = a.api().createForScenario("old-duplicate-syn");
            scenarioEvents = a.api().events(scenario, 0);
            verdict = ((Map<?, ?>) a.api().snapshot(scenario).get("scenario")).get("verdict");

            step = a.api().create(Map.of("clock", "step", "link", Map.of("latencyMs", 10)));
            a.api()
                    .post(step, "/connections", Map.of("remotePort", 80, "autoListen", true))
                    .expectStatus()
                    .isCreated();
            a.api().post(step, "/advance", Map.of("ms", 15)).expectStatus().isOk();
            stepSnapshot = a.api().snapshot(step);
            stepEvents = a.api().events(step, 0);

            realtime = a.api().create(Map.of("clock", "realtime", "link", Map.of("latencyMs", 20)));
            a.api()
                    .post(realtime, "/connections", Map.of("remotePort", 80, "autoListen", true))
                    .expectStatus()
                    .isCreated();
            a.clock().advance(Duration.ofMillis(30));
            a.labs().tickAll();
            // The snapshot is read on the lab's executor, so after the tick's work; the events are read
            // from the log without waiting for the lab, so only after that.
            realtimeTime = ((Number) a.api().snapshot(realtime).get("time")).doubleValue();
            realtimeEvents = a.api().events(realtime, 0);
            assertThat(realtimeTime).isEqualTo(30.0);

            deleted = a.api().create(Map.of());
            a.web()
                    .delete()
                    .uri("/api/labs/" + deleted.id())
                    .headers(h -> h.setBearerAuth(deleted.token()))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
        }

        try (Server b = Server.start(dataDir)) {
            assertThat(b.api().events(instant, 0)).isEqualTo(instantEvents);
            assertThat(b.api().snapshot(instant).get("connections")).isEqualTo(instantSnapshot.get("connections"));
            assertThat(b.api().snapshot(instant).get("faults")).isEqualTo(instantSnapshot.get("faults"));
            // The token still opens it, and the log goes on from the next id.
            b.api()
                    .post(instant, "/connections/1/send", Map.of("side", "server", "text", "after the restart"))
                    .expectStatus()
                    .isAccepted();
            List<Map<String, Object>> more = b.api().events(instant, instantEvents.size());
            assertThat(more).isNotEmpty();
            assertThat(((Number) more.get(0).get("id")).longValue()).isEqualTo(instantEvents.size() + 1L);
            b.api()
                    .post(new Created(instant.id(), "not-the-token"), "/connections/1/close", Map.of("side", "client"))
                    .expectStatus()
                    .isForbidden();

            assertThat(b.api().events(scenario, 0)).isEqualTo(scenarioEvents);
            assertThat(((Map<?, ?>) b.api().snapshot(scenario).get("scenario")).get("verdict"))
                    .isEqualTo(verdict)
                    .isNotNull();

            assertThat(b.api().snapshot(step).get("time")).isEqualTo(stepSnapshot.get("time"));
            assertThat(b.api().snapshot(step).get("connections")).isEqualTo(stepSnapshot.get("connections"));
            assertThat(b.api().events(step, 0)).isEqualTo(stepEvents);

            assertThat(b.api().events(realtime, 0)).isEqualTo(realtimeEvents);
            assertThat(((Number) b.api().snapshot(realtime).get("time")).doubleValue())
                    .isEqualTo(realtimeTime);
            b.clock().advance(Duration.ofMillis(100));
            b.labs().tickAll();
            // As on the first server: the snapshot waits for the tick's work, the events do not.
            assertThat(((Number) b.api().snapshot(realtime).get("time")).doubleValue())
                    .isEqualTo(realtimeTime + 100);
            List<Map<String, Object>> later = b.api().events(realtime, 0);
            assertThat(later.subList(0, realtimeEvents.size())).isEqualTo(realtimeEvents);
            assertThat(later.size()).isGreaterThan(realtimeEvents.size());

            b.web()
                    .get()
                    .uri("/api/labs/" + deleted.id())
                    .exchange()
                    .expectStatus()
                    .isNotFound();

            // A viewer that saw ids up to 5 resumes with after=5.
            long first = new ReactorNettyWebSocketClient()
                    .execute(
                            URI.create("ws://localhost:" + Servers.port(b.ctx()) + "/api/labs/" + instant.id()
                                    + "/events/stream?after=5"),
                            s -> s.receive()
                                    .next()
                                    .map(m -> JsonMapper.builder()
                                            .build()
                                            .readTree(m.getPayloadAsText())
                                            .get("id")
                                            .asLong())
                                    .doOnNext(id -> assertThat(id).isEqualTo(6L))
                                    .then())
                    .then(reactor.core.publisher.Mono.just(6L))
                    .block(Duration.ofSeconds(20));
            assertThat(first).isEqualTo(6L);
        }
    }
}
