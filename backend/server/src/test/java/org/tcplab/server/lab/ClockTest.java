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
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/** instant, step and realtime clocks, and changing the clock of a live lab. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ClockTest {

    @Autowired
    WebTestClient web;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    /** The state of {@code side} on the lab's first connection, or null while that side has no TCB. */
    String state(Created lab, String side) {
        List<Map<String, Object>> conns =
                (List<Map<String, Object>>) api.snapshot(lab).get("connections");
        Map<String, Object> view = (Map<String, Object>) conns.get(0).get(side);
        return view == null ? null : (String) view.get("state");
    }

    WebTestClient.ResponseSpec patchClock(Created lab, Map<String, Object> body) {
        return web.patch()
                .uri("/api/labs/" + lab.id() + "/clock")
                .headers(h -> h.setBearerAuth(lab.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    @Test
    void stepClockMovesOnlyOnAdvance() {
        Created lab = api.create(Map.of("clock", "step", "link", Map.of("latencyMs", 10)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.state")
                .isEqualTo("SYN_SENT");
        // The SYN is on the wire until 10 ms: nothing happens before.
        api.post(lab, "/advance", Map.of("ms", 9.5))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.time")
                .isEqualTo(9.5)
                .jsonPath("$.nextEventTime")
                .isEqualTo(10.0);
        assertThat(state(lab, "client")).isEqualTo("SYN_SENT");
        assertThat(state(lab, "server")).isNull();
        // One step: the SYN arrives; the server answers and waits in SYN-RECEIVED.
        api.post(lab, "/advance", Map.of("steps", 1))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.time")
                .isEqualTo(10.0)
                .jsonPath("$.steps")
                .isEqualTo(1);
        assertThat(state(lab, "server")).isEqualTo("SYN_RECEIVED");
        assertThat(state(lab, "client")).isEqualTo("SYN_SENT");
        // The SYN-ACK lands at 20 ms, the final ACK at 30 ms; then nothing is pending.
        api.post(lab, "/advance", Map.of("ms", 10))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.time")
                .isEqualTo(20.0);
        assertThat(state(lab, "client")).isEqualTo("ESTABLISHED");
        assertThat(state(lab, "server")).isEqualTo("SYN_RECEIVED");
        api.post(lab, "/advance", Map.of("steps", 50))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.time")
                .isEqualTo(30.0)
                .jsonPath("$.steps")
                .value(n -> assertThat(((Number) n).intValue()).isBetween(1, 49));
        assertThat(state(lab, "server")).isEqualTo("ESTABLISHED");
        api.post(lab, "/advance", Map.of("ms", 1, "steps", 1)).expectStatus().isBadRequest();
        api.post(lab, "/advance", Map.of())
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("ms");
        api.post(lab, "/advance", Map.of("ms", -1))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("ms");
    }

    @Test
    void advanceNeedsTheStepClock() {
        Created lab = api.create(Map.of());
        api.post(lab, "/advance", Map.of("ms", 5)).expectStatus().isEqualTo(409);
    }

    @Test
    void instantClockAnswersAfterEverythingRan() {
        // 400 ms each way keeps the round trip (800 ms) under the initial 1 s RTO: no retransmission.
        Created lab = api.create(Map.of("link", Map.of("latencyMs", 400)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        assertThat(state(lab, "client")).isEqualTo("ESTABLISHED");
        assertThat(state(lab, "server")).isEqualTo("ESTABLISHED");
        // SYN, SYN-ACK and the final ACK each crossed the link before the answer came.
        assertThat(api.snapshot(lab)).containsEntry("time", 1200.0).containsEntry("nextEventTime", null);
    }

    @Test
    void realtimeClockFollowsTheWallClockAndPauses() throws Exception {
        Created lab = api.create(Map.of("clock", "realtime", "timeScale", 1.0, "link", Map.of("latencyMs", 50)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.state")
                .isEqualTo("SYN_SENT");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!state(lab, "client").equals("ESTABLISHED") && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(state(lab, "client")).isEqualTo("ESTABLISHED");
        patchClock(lab, Map.of("paused", true))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.paused")
                .isEqualTo(true);
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
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        patchClock(lab, Map.of("clock", "instant"))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.clock")
                .isEqualTo("instant");
        assertThat(state(lab, "client")).isEqualTo("ESTABLISHED");
        patchClock(lab, Map.of("clock", "hourglass"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("clock");
        web.patch()
                .uri("/api/labs/" + lab.id() + "/clock")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("paused", true))
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }
}
