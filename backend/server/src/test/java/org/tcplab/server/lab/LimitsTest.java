package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.ManualWallClock;

/** Each tcplab.* limit, small enough to hit. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-labs=3",
            "tcplab.max-events-per-lab=60",
            "tcplab.max-request-bytes=2000",
            "tcplab.max-send-bytes=100",
            "tcplab.idle-timeout=1s"
        })
@AutoConfigureWebTestClient
@Import(LimitsTest.Clock.class)
class LimitsTest {

    @TestConfiguration
    static class Clock {
        @Bean
        @Primary
        ManualWallClock manualWallClock() {
            return new ManualWallClock();
        }
    }

    @Autowired
    ManualWallClock clock;

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
        labs.all().forEach(labs::delete);
    }

    @Test
    void limitsAreShownInTheSnapshot() {
        Map<String, Object> limits =
                (Map<String, Object>) api.snapshot(api.create(Map.of())).get("limits");
        assertThat(limits)
                .containsEntry("maxLabs", 3)
                .containsEntry("maxEventsPerLab", 60)
                .containsEntry("maxRequestBytes", 2000)
                .containsEntry("maxSendBytes", 100)
                .containsEntry("idleTimeoutSeconds", 1);
    }

    @Test
    void aFullServerAnswers503() {
        for (int i = 0; i < 3; i++) api.create(Map.of());
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("tcplab.max-labs"));
    }

    @Test
    void theEventLimitStopsTheLabWithANote() {
        Created lab = api.create(Map.of());
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        api.post(lab, "/connections", Map.of("remotePort", 80)).expectStatus().isCreated();
        int sends = 0;
        while (sends < 100) {
            var spec = api.post(lab, "/connections/1/send", Map.of("text", "x"));
            if (spec.returnResult(String.class).getStatus().value() == 409) break;
            sends++;
        }
        assertThat(sends).isLessThan(100);
        List<Map<String, Object>> events = api.events(lab, 0);
        assertThat(events).hasSize(60);
        assertThat(events.get(59)).containsEntry("type", "note");
        assertThat((String) events.get(59).get("text")).contains("event limit reached");
        api.post(lab, "/listen", Map.of("host", "client", "port", 81))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("event limit"));
        assertThat(api.snapshot(lab)).containsEntry("stopped", true).containsEntry("eventCount", 60);
    }

    @Test
    void oversizedBodiesAre413() {
        Created lab = api.create(Map.of());
        api.post(lab, "/connections/1/send", Map.of("text", "y".repeat(5000)))
                .expectStatus()
                .isEqualTo(413);
        assertThat(api.snapshot(lab).get("eventCount")).isEqualTo(0);
    }

    @Test
    void sendsAboveTheLimitAre400NamingTheField() {
        Created lab = api.create(Map.of());
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        long before = ((Number) api.snapshot(lab).get("eventCount")).longValue();
        api.post(lab, "/connections/1/send", Map.of("bytes", 101))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("bytes");
        api.post(lab, "/connections/1/send", Map.of("text", "z".repeat(101)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("text");
        api.post(lab, "/connections/1/send", Map.of("bytes", 100))
                .expectStatus()
                .isAccepted();
        assertThat(((Number) api.snapshot(lab).get("eventCount")).longValue()).isGreaterThan(before);
    }

    @Test
    void idleLabsAreRemovedAndOnesInUseStayUntilTheyIdleToo() {
        // Viewers keep a lab in use only while they answer pings: ViewerLimitsTest covers that part.
        Created idle = api.create(Map.of());
        Created used = api.create(Map.of());
        clock.advance(Duration.ofMillis(700));
        api.snapshot(used); // any request touches its lab
        clock.advance(Duration.ofMillis(700));
        labs.removeIdle();
        web.get().uri("/api/labs/" + idle.id()).exchange().expectStatus().isNotFound();
        web.get().uri("/api/labs/" + used.id()).exchange().expectStatus().isOk();
        clock.advance(Duration.ofMillis(1100));
        labs.removeIdle();
        web.get().uri("/api/labs/" + used.id()).exchange().expectStatus().isNotFound();
    }
}
