package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/**
 * Wrong input is refused, never coerced and never a 500: a value only in its own JSON type, no null
 * list elements, malformed JSON, a wrong top-level type and deep nesting all 400 problems with a
 * stable code and the field where there is one; a real server fault is a problem too, with only a
 * request id and no stack trace.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=100000")
@AutoConfigureWebTestClient
@Import(StrictInputTest.Failing.class)
class StrictInputTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    LabClient api;
    Created lab;

    /** A controller with a bug, to see what a server fault looks like from outside. */
    @TestConfiguration
    @RestController
    static class Failing {
        @GetMapping("/api/test/broken")
        String broken() {
            throw new IllegalStateException("secret internal state at com.example.Secret");
        }
    }

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
        lab = api.create(Map.of("clock", "step"));
    }

    private WebTestClient.BodyContentSpec refused(String path, String json, int status, String code) {
        return api.post(lab, path, json)
                .expectStatus()
                .isEqualTo(status)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo(code)
                .jsonPath("$.type")
                .isEqualTo("urn:tcplab:problem:" + code)
                .jsonPath("$.requestId")
                .isNotEmpty();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "/listen | {\"host\":\"server\",\"port\":81.9} | port",
                "/listen | {\"host\":\"server\",\"port\":\"82\"} | port",
                "/listen | {\"host\":\"server\",\"port\":\" 84 \"} | port",
                "/listen | {\"host\":\"server\",\"port\":true} | port",
                "/listen | {\"host\":5,\"port\":80} | host",
                "/listen | {\"host\":[\"server\"],\"port\":80} | host",
                "/listen | {\"host\":\"server\",\"port\":99999999999} | port",
                "/connections | {\"remotePort\":80,\"simultaneous\":\"true\"} | simultaneous",
                "/connections | {\"remotePort\":80,\"isn\":1e3} | isn",
                "/inject | {\"segment\":{\"srcPort\":1,\"dstPort\":80,\"flags\":[null]}} | segment.flags[0]",
                "/inject | {\"segment\":{\"srcPort\":1,\"dstPort\":80,\"options\":[null]}} | segment.options[0]",
                "/inject | {\"segment\":{\"srcPort\":1,\"dstPort\":80,\"options\":[{\"kind\":\"SACK\",\"blocks\":[null]}]}} | segment.options[0].blocks[0]",
                "/faults | {\"action\":\"drop\",\"match\":{\"flags\":[null]}} | match.flags[0]",
                "/faults | {\"action\":\"drop\",\"match\":{\"onlyFlags\":[\"SYN\",null]}} | match.onlyFlags[1]",
                "/faults | {\"action\":\"drop\",\"match\":{\"nth\":1.5}} | match.nth",
                "/advance | {\"ms\":\"10\"} | ms",
                "/advance | {\"steps\":2.5} | steps",
            })
    void valuesAreTakenOnlyInTheirOwnTypeAndNullElementsAreRefused(String path, String json, String field) {
        long events = eventCount();
        refused(path, json, 400, "invalid-field").jsonPath("$.field").isEqualTo(field);
        assertThat(eventCount()).isEqualTo(events);
        assertThat((java.util.List<?>) api.snapshot(lab).get("faults")).isEmpty();
    }

    private long eventCount() {
        return ((Number) api.snapshot(lab).get("eventCount")).longValue();
    }

    @Test
    void malformedBodiesAreProblemsSayingWhatIsWrong() {
        refused("/listen", "{\"host\":\"server\",", 400, "malformed-body")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).startsWith("the body is not valid JSON"));
        refused("/listen", "[{\"host\":\"server\",\"port\":80}]", 400, "malformed-body")
                .jsonPath("$.detail")
                .isEqualTo("the body must be a JSON object");
        refused("/listen", "\"server:80\"", 400, "malformed-body");
        refused("/listen", "{\"host\":\"server\",\"port\":80} {}", 400, "malformed-body");
        refused("/listen", "{\"host\":\"server\",\"port\":80,\"port\":81}", 400, "malformed-body");
        refused("/listen", "", 400, "malformed-body");
        refused("/listen", "{\"host\":\"server\",\"port\":80,\"prot\":1}", 400, "unknown-field")
                .jsonPath("$.field")
                .isEqualTo("prot");
        String deep = "[".repeat(5000) + "]".repeat(5000);
        // Where a typed field meets the nesting its type fails first; in free-form params, the depth cap.
        refused(
                        "/inject",
                        "{\"segment\":{\"srcPort\":1,\"dstPort\":80,\"options\":" + deep + "}}",
                        400,
                        "invalid-field")
                .jsonPath("$.field")
                .isEqualTo("segment.options[0]");
        refused("/scenarios/three-way-handshake", "{\"params\":{\"clientIsn\":" + deep + "}}", 400, "body-too-complex")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("nest at most 16 levels"));
        refused("/listen", "{\"host\":\"server\",\"port\":" + "9".repeat(500) + "}", 400, "body-too-complex");
        assertThat(api.snapshot(lab).get("hosts").toString()).doesNotContain("80");
    }

    @Test
    void aServerFaultIsAProblemWithARequestIdAndNoInternals() {
        web.get()
                .uri("/api/test/broken")
                .exchange()
                .expectStatus()
                .isEqualTo(500)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("internal-error")
                .jsonPath("$.requestId")
                .isNotEmpty()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("the log has it as request")
                        .doesNotContain("secret")
                        .doesNotContain("Exception"))
                .jsonPath("$.trace")
                .doesNotExist();
    }

    @Test
    void refusalsOutsideAnyControllerAreProblemsToo() {
        web.get()
                .uri("/api/no-such-thing")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("not-found");
        web.get()
                .uri("/api/labs/" + lab.id() + "/listen")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("method-not-allowed");
        web.post()
                .uri("/api/labs/" + lab.id() + "/listen")
                .headers(h -> h.setBearerAuth(lab.token()))
                .contentType(MediaType.TEXT_PLAIN)
                .bodyValue("host=server")
                .exchange()
                .expectStatus()
                .isEqualTo(415)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("unsupported-media-type");
        web.get()
                .uri("/api/labs/nope")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("lab-not-found");
        web.get()
                .uri("/api/labs/" + lab.id() + "/faults/abc")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("f");
        web.post()
                .uri("/api/labs/" + lab.id() + "/listen")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("host", "server", "port", 80))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("token-missing");
        web.post()
                .uri("/api/labs/" + lab.id() + "/listen")
                .headers(h -> h.setBearerAuth("wrong"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("host", "server", "port", 80))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("token-rejected");
    }
}
