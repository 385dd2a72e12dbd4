package org.tcplab.server.fault;

import static org.assertj.core.api.Assertions.assertThat;

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

/**
 * tcplab.max-faults-per-lab and tcplab.max-string-length: each triggers, says what to do, and
 * recovers (200 rules with a 250 kB connection string once cost 49 MB and 50 MB snapshots).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.max-faults-per-lab=3", "tcplab.max-string-length=32", "tcplab.max-send-bytes=100"})
@AutoConfigureWebTestClient
class FaultLimitsTest {

    @Autowired
    WebTestClient web;

    LabClient api;
    Created lab;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
        lab = api.create(Map.of("clock", "step"));
    }

    private List<?> faults() {
        return (List<?>) api.snapshot(lab).get("faults");
    }

    @Test
    void theLimitsAreShownInTheSnapshot() {
        assertThat((Map<String, Object>) api.snapshot(lab).get("limits"))
                .containsEntry("maxFaultsPerLab", 3)
                .containsEntry("maxStringLength", 32)
                .containsEntry("maxTrackedClients", 10000)
                .containsEntry("requestHeaderTimeoutSeconds", 10);
    }

    @Test
    void aLabHoldsAtMostMaxFaultsPerLabRulesUntilOneIsDeleted() {
        for (int i = 0; i < 3; i++) {
            api.post(lab, "/faults", Map.of("action", "drop")).expectStatus().isCreated();
        }
        api.post(lab, "/faults", Map.of("action", "drop"))
                .expectStatus()
                .isEqualTo(409)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("too-many-faults")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("tcplab.max-faults-per-lab")
                        .contains("DELETE /api/labs/" + lab.id() + "/faults/"));
        assertThat(faults()).hasSize(3);

        web.delete()
                .uri("/api/labs/" + lab.id() + "/faults/1")
                .headers(h -> h.setBearerAuth(lab.token()))
                .exchange()
                .expectStatus()
                .isNoContent();
        api.post(lab, "/faults", Map.of("action", "drop")).expectStatus().isCreated();
        assertThat(faults()).hasSize(3);
    }

    @Test
    void everyStringInARequestIsBoundedAndSaysWhatToDo() {
        String tooLong = "c".repeat(33);
        api.post(lab, "/faults", Map.of("action", "drop", "match", Map.of("connection", tooLong)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("string-too-long")
                .jsonPath("$.field")
                .isEqualTo("match.connection")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .startsWith("match.connection: at most 32 characters (tcplab.max-string-length)")
                        .contains("shorten"));
        assertThat(faults()).isEmpty();
        api.post(lab, "/faults", Map.of("action", "drop", "match", Map.of("connection", "c".repeat(32))))
                .expectStatus()
                .isCreated();

        // Anywhere in a body: list elements, scenario parameters, the scenario endpoint's settings.
        api.post(lab, "/inject", Map.of("segment", Map.of("srcPort", 1, "dstPort", 2, "flags", List.of(tooLong))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("segment.flags[0]");
        api.post(lab, "/scenarios/three-way-handshake", Map.of("params", Map.of("clientIsn", tooLong)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("string-too-long")
                .jsonPath("$.field")
                .isEqualTo("params.clientIsn");
        web.post()
                .uri("/api/scenarios/three-way-handshake/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clock", tooLong))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("clock");
    }

    @Test
    void payloadsAreGovernedByMaxSendBytesNotTheStringLimit() {
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        api.post(lab, "/connections/1/send", Map.of("text", "t".repeat(100)))
                .expectStatus()
                .isAccepted();
        api.post(lab, "/connections/1/send", Map.of("text", "t".repeat(101)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("text")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("tcplab.max-send-bytes"));
        api.post(lab, "/inject", Map.of("segment", Map.of("srcPort", 1, "dstPort", 2, "text", "t".repeat(101))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("segment.text");
        api.post(lab, "/inject", Map.of("segment", Map.of("srcPort", 1, "dstPort", 2, "text", "t".repeat(100))))
                .expectStatus()
                .isAccepted();
    }
}
