package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/**
 * Lab settings are bounded the same way by every endpoint that creates or changes a lab (LabSpec):
 * a realtime timeScale of Infinity, 1e400, 0, -5 or "NaN" once answered 201 on the scenario endpoint
 * and pinned the clock thread. Each refusal is a 400 naming the field, and creates or changes nothing.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=100000")
@AutoConfigureWebTestClient
class LabSettingsValidationTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    LabClient api;
    Created lab;

    @BeforeEach
    void setUp() {
        labs.all().forEach(labs::delete);
        api = new LabClient(web);
        lab = api.create(Map.of("clock", "step"));
    }

    /** The bodies as raw JSON: 1e400 and "NaN" must reach the server as written. */
    static Stream<Arguments> badSettings() {
        List<Arguments> cases = new ArrayList<>();
        for (String scale : List.of("\"Infinity\"", "1e400", "0", "-5", "\"NaN\"", "-1e400", "1000.5")) {
            String realtime = "{\"clock\":\"realtime\",\"timeScale\":" + scale + "}";
            cases.add(Arguments.of("POST", "/api/labs", realtime, "timeScale"));
            cases.add(Arguments.of("POST", "/api/scenarios/three-way-handshake/labs", realtime, "timeScale"));
            cases.add(Arguments.of("PATCH", "/clock", realtime, "timeScale"));
        }
        cases.add(Arguments.of("POST", "/api/scenarios/three-way-handshake/labs", "{\"clock\":\"fast\"}", "clock"));
        cases.add(Arguments.of("PATCH", "/clock", "{\"clock\":\"fast\"}", "clock"));
        Map<String, String> link = Map.of(
                "latencyMs", "600001",
                "jitterMs", "-1",
                "bandwidthKbps", "100000001",
                "mtu", "67");
        link.forEach((f, v) -> {
            cases.add(Arguments.of("POST", "/api/labs", "{\"link\":{\"" + f + "\":" + v + "}}", "link." + f));
            cases.add(Arguments.of("PATCH", "/link", "{\"" + f + "\":" + v + "}", f));
        });
        Map<String, String> tcp = Map.ofEntries(
                Map.entry("mss", "87"),
                Map.entry("window", "1073725441"),
                Map.entry("windowScale", "15"),
                Map.entry("initialRtoMs", "60001"),
                Map.entry("minRtoMs", "0.5"),
                Map.entry("synRetries", "31"),
                Map.entry("synAckRetries", "-1"),
                Map.entry("mslMs", "3600001"));
        tcp.forEach((f, v) -> {
            for (String host : List.of("tcp", "clientTcp", "serverTcp")) {
                cases.add(Arguments.of(
                        "POST", "/api/labs", "{\"" + host + "\":{\"" + f + "\":" + v + "}}", host + "." + f));
            }
        });
        cases.add(Arguments.of("POST", "/api/labs", "{\"seed\":9007199254740992}", "seed"));
        cases.add(Arguments.of("POST", "/api/labs", "{\"seed\":1.9}", "seed"));
        cases.add(Arguments.of("POST", "/api/labs", "{\"mode\":\"tap\",\"clock\":\"step\"}", "clock"));
        cases.add(Arguments.of("POST", "/api/labs", "{\"linuxSide\":\"server\"}", "linuxSide"));
        cases.add(Arguments.of("POST", "/api/labs", "{\"mode\":\"tap\",\"paused\":true}", "paused"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} -> 400 {3}")
    @MethodSource("badSettings")
    void everyEndpointRefusesOutOfBoundsSettingsNamingTheField(String method, String path, String body, String field) {
        int before = labs.size();
        Map<String, Object> snapshot = api.snapshot(lab);
        String uri = path.startsWith("/api/") ? path : "/api/labs/" + lab.id() + path;
        web.method(HttpMethod.valueOf(method))
                .uri(uri)
                .headers(h -> h.setBearerAuth(lab.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo(field)
                .jsonPath("$.code")
                .isEqualTo("invalid-field")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).startsWith(field + ": "));
        assertThat(labs.size()).isEqualTo(before);
        assertThat(api.snapshot(lab)).isEqualTo(snapshot);
    }

    @Test
    void settingsAtTheirBoundsAreAccepted() {
        api.create(Map.of(
                "clock",
                "realtime",
                "timeScale",
                1000,
                "paused",
                true,
                "link",
                Map.of("latencyMs", 600000, "jitterMs", 0, "bandwidthKbps", 100000000, "mtu", 68),
                "tcp",
                Map.of("mss", 88, "windowScale", 14, "initialRtoMs", 60000, "minRtoMs", 1, "mslMs", 0)));
        api.createForScenario("three-way-handshake", Map.of("clock", "realtime", "timeScale", 0.001));
        api.patch(lab, "/clock", Map.of("clock", "realtime", "timeScale", 1000, "paused", true))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.timeScale")
                .isEqualTo(1000.0)
                .jsonPath("$.paused")
                .isEqualTo(true);
    }

    @Test
    void aLabCreatedPausedStaysAtTimeZero() {
        Created paused = api.create(Map.of("clock", "realtime", "paused", true));
        assertThat(api.snapshot(paused)).containsEntry("paused", true).containsEntry("time", 0.0);
    }
}
