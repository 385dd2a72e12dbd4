package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.FakeDriverConfig;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/** instant, step and realtime clocks, and changing the clock of a live lab. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@Import(FakeDriverConfig.class)
class ClockTest {

    @Autowired
    WebTestClient web;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    String clientState(Created lab) {
        List<Map<String, Object>> conns = (List<Map<String, Object>>) api.snapshot(lab).get("connections");
        return (String) ((Map<String, Object>) conns.get(0).get("client")).get("state");
    }

    WebTestClient.ResponseSpec patchClock(Created lab, Map<String, Object> body) {
        return web.patch().uri("/api/labs/" + lab.id() + "/clock").headers(h -> h.setBearerAuth(lab.token()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    @Test
    void stepClockMovesOnlyOnAdvance() {
        Created lab = api.create(Map.of("clock", "step", "link", Map.of("latencyMs", 10)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true)).expectStatus().isCreated()
                .expectBody().jsonPath("$.client.state").isEqualTo("SYN_SENT");
        api.post(lab, "/advance", Map.of("ms", 9.5)).expectStatus().isOk().expectBody()
                .jsonPath("$.time").isEqualTo(9.5).jsonPath("$.nextEventTime").isEqualTo(10.0);
        assertThat(clientState(lab)).isEqualTo("SYN_SENT");
        api.post(lab, "/advance", Map.of("steps", 1)).expectStatus().isOk().expectBody()
                .jsonPath("$.time").isEqualTo(10.0).jsonPath("$.steps").isEqualTo(1);
        assertThat(clientState(lab)).isEqualTo("ESTABLISHED");
        api.post(lab, "/advance", Map.of("steps", 5)).expectStatus().isOk().expectBody().jsonPath("$.steps").isEqualTo(0);
        api.post(lab, "/advance", Map.of("ms", 1, "steps", 1)).expectStatus().isBadRequest();
        api.post(lab, "/advance", Map.of()).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("ms");
        api.post(lab, "/advance", Map.of("ms", -1)).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("ms");
    }

    @Test
    void advanceNeedsTheStepClock() {
        Created lab = api.create(Map.of());
        api.post(lab, "/advance", Map.of("ms", 5)).expectStatus().isEqualTo(409);
    }

    @Test
    void instantClockAnswersAfterEverythingRan() {
        Created lab = api.create(Map.of("link", Map.of("latencyMs", 500)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true)).expectStatus().isCreated();
        assertThat(clientState(lab)).isEqualTo("ESTABLISHED");
        assertThat(api.snapshot(lab)).containsEntry("time", 500.0);
    }

    @Test
    void realtimeClockFollowsTheWallClockAndPauses() throws Exception {
        Created lab = api.create(Map.of("clock", "realtime", "timeScale", 1.0, "link", Map.of("latencyMs", 50)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true)).expectStatus().isCreated()
                .expectBody().jsonPath("$.client.state").isEqualTo("SYN_SENT");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!clientState(lab).equals("ESTABLISHED") && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(clientState(lab)).isEqualTo("ESTABLISHED");
        patchClock(lab, Map.of("paused", true)).expectStatus().isOk().expectBody().jsonPath("$.paused").isEqualTo(true);
        double t1 = ((Number) api.snapshot(lab).get("time")).doubleValue();
        Thread.sleep(100);
        assertThat(((Number) api.snapshot(lab).get("time")).doubleValue()).isEqualTo(t1);
        patchClock(lab, Map.of("paused", false, "timeScale", 10)).expectStatus().isOk();
        Thread.sleep(100);
        assertThat(((Number) api.snapshot(lab).get("time")).doubleValue()).isGreaterThan(t1 + 200);
    }

    @Test
    void clockCanChangeOnALiveLab() {
        Created lab = api.create(Map.of("clock", "step"));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true)).expectStatus().isCreated();
        patchClock(lab, Map.of("clock", "instant")).expectStatus().isOk().expectBody().jsonPath("$.clock").isEqualTo("instant");
        assertThat(clientState(lab)).isEqualTo("ESTABLISHED");
        patchClock(lab, Map.of("clock", "hourglass")).expectStatus().isBadRequest().expectBody().jsonPath("$.field").isEqualTo("clock");
        web.patch().uri("/api/labs/" + lab.id() + "/clock").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("paused", true)).exchange().expectStatus().isUnauthorized();
    }
}
