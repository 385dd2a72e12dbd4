package org.tcplab.server.lab;

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

/** Every lab endpoint's happy path and refusals, over HTTP, on the fake driver. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// springdoc builds /v3/api-docs on its first request: seconds on a busy 2-core machine, past the 5 s default.
@AutoConfigureWebTestClient(timeout = "30s")
class LabApiTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    @Test
    void aMisspelledFieldIs400NamingItAndCreatesNothing() {
        int before = labs.size();
        api.tryCreate(Map.of("seed", 7, "lnik", Map.of("latencyMs", 25)))
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("lnik");
        api.tryCreate(Map.of("link", Map.of("latencyMS", 25)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("link.latencyMS");
        assertThat(labs.size()).isEqualTo(before);
    }

    @Test
    void theLinkOfALiveLabChangesForSegmentsSentAfterwards() {
        Created lab = api.create(Map.of("link", Map.of("latencyMs", 10)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        web.patch()
                .uri("/api/labs/" + lab.id() + "/link")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("latencyMs", 250))
                .exchange()
                .expectStatus()
                .isUnauthorized();
        api.patch(lab, "/link", Map.of("latencyMs", -1))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("latencyMs");
        api.patch(lab, "/link", Map.of("latencyMs", 250))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.latencyMs")
                .isEqualTo(250.0)
                .jsonPath("$.mtu")
                .isEqualTo(1500);
        assertThat((Map<String, Object>) api.snapshot(lab).get("link")).containsEntry("latencyMs", 250.0);

        long after = ((Number) api.snapshot(lab).get("lastEventId")).longValue();
        api.post(lab, "/connections/1/send", Map.of("text", "slow"))
                .expectStatus()
                .isAccepted();
        List<Map<String, Object>> events = api.events(lab, after);
        Map<String, Object> sent = events.stream()
                .filter(e -> "segment.sent".equals(e.get("type")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> delivered = events.stream()
                .filter(e -> "segment.delivered".equals(e.get("type"))
                        && sent.get("segmentId").equals(e.get("segmentId")))
                .findFirst()
                .orElseThrow();
        double flight = ((Number) delivered.get("time")).doubleValue() - ((Number) sent.get("time")).doubleValue();
        assertThat(flight).isEqualTo(250.0);
    }

    @Test
    void createAnswers201WithLocationIdAndToken() {
        api.tryCreate(Map.of(
                        "seed",
                        7,
                        "clock",
                        "step",
                        "link",
                        Map.of("latencyMs", 25),
                        "tcp",
                        Map.of("mss", 536, "nagle", false)))
                .expectStatus()
                .isCreated()
                .expectHeader()
                .value("Location", loc -> assertThat(loc).startsWith("/api/labs/"))
                .expectBody()
                .jsonPath("$.id")
                .value(id -> assertThat(((String) id)).matches("[A-Za-z0-9_-]{22,}"))
                .jsonPath("$.token")
                .isNotEmpty()
                .jsonPath("$.mode")
                .isEqualTo("sim")
                .jsonPath("$.clock")
                .isEqualTo("step")
                .jsonPath("$.seed")
                .isEqualTo(7);
    }

    @Test
    void snapshotShowsSettingsHostsAndLimits() {
        Created lab = api.create(Map.of("seed", 3, "link", Map.of("latencyMs", 25, "mtu", 1400)));
        Map<String, Object> s = api.snapshot(lab);
        assertThat(s)
                .containsEntry("id", lab.id())
                .containsEntry("clock", "instant")
                .containsEntry("seed", 3);
        assertThat((Map<String, Object>) s.get("link"))
                .containsEntry("latencyMs", 25.0)
                .containsEntry("mtu", 1400);
        assertThat((List<Map<String, Object>>) s.get("hosts"))
                .extracting(h -> h.get("ip"))
                .containsExactly("192.0.2.1", "192.0.2.2");
        assertThat((Map<String, Object>) s.get("limits"))
                .containsKeys(
                        "maxLabs",
                        "labsPerClientPerMinute",
                        "idleTimeoutSeconds",
                        "maxEventsPerLab",
                        "maxRequestBytes",
                        "maxSendBytes");
        assertThat(s).doesNotContainKey("token");
    }

    @Test
    void idsAreUnguessableAndDistinct() {
        Created a = api.create(Map.of());
        Created b = api.create(Map.of());
        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(java.util.Base64.getUrlDecoder().decode(a.id())).hasSizeGreaterThanOrEqualTo(16);
        assertThat(a.token()).isNotEqualTo(a.id());
    }

    @Test
    void changesNeedTheToken() {
        Created lab = api.create(Map.of());
        web.post()
                .uri("/api/labs/" + lab.id() + "/listen")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("host", "server", "port", 80))
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.post()
                .uri("/api/labs/" + lab.id() + "/listen")
                .headers(h -> h.setBearerAuth("not-the-token"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("host", "server", "port", 80))
                .exchange()
                .expectStatus()
                .isForbidden();
        web.delete().uri("/api/labs/" + lab.id()).exchange().expectStatus().isUnauthorized();
        assertThat((List<?>) ((List<Map<String, Object>>) api.snapshot(lab).get("hosts"))
                        .get(1)
                        .get("listeners"))
                .isEmpty();
    }

    @Test
    void unknownLabIs404() {
        web.get()
                .uri("/api/labs/nope")
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo(404)
                .jsonPath("$.detail")
                .isNotEmpty();
        web.get().uri("/api/labs/nope/events").exchange().expectStatus().isNotFound();
        web.get().uri("/api/labs/nope/faults").exchange().expectStatus().isNotFound();
        web.get().uri("/api/labs/nope/capture.pcap").exchange().expectStatus().isNotFound();
        web.post()
                .uri("/api/labs/nope/listen")
                .headers(h -> h.setBearerAuth("x"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("host", "server", "port", 80))
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void badInputIs400NamingTheField() {
        api.tryCreate(Map.of("tcp", Map.of("mss", 5)))
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("tcp.mss")
                .jsonPath("$.errors[0].field")
                .isEqualTo("tcp.mss");
        api.tryCreate(Map.of("clock", "sundial"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("clock");
        api.tryCreate(Map.of("seed", "not a number"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("seed");
        Created lab = api.create(Map.of());
        api.post(lab, "/listen", Map.of("host", "router", "port", 80))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("host");
        api.post(lab, "/listen", Map.of("host", "server"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("port");
        api.post(lab, "/connections", Map.of("remotePort", 70000))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("remotePort");
        api.post(
                        lab,
                        "/inject",
                        Map.of("segment", Map.of("srcPort", 1, "dstPort", 80, "flags", List.of("SYN", "XMAS"))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .value(f -> assertThat((String) f).startsWith("segment.flags"));
        api.post(lab, "/faults", Map.of("action", "explode"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("action");
        api.post(lab, "/hosts/router/crash")
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("host");
        assertThat(api.snapshot(lab).get("eventCount")).isEqualTo(0);
    }

    @Test
    void tapModeIs503WhenDisabled() {
        api.tryCreate(Map.of("mode", "tap"))
                .expectStatus()
                .isEqualTo(503)
                .expectBody()
                .jsonPath("$.detail")
                .value(
                        org.hamcrest.Matchers.startsWith(
                                "tap mode is disabled (tcplab.tap.enabled=false): start the server with --tcplab.tap.enabled=true"));
    }

    @Test
    void listenConnectSendCloseAbortCrash() {
        Created lab = api.create(Map.of());
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo("server:80");
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .isEqualTo("connection already exists");
        api.post(lab, "/connections", Map.of("localPort", 40000, "remotePort", 80, "isn", 100))
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/api/labs/" + lab.id() + "/connections/1")
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo("1")
                .jsonPath("$.client.state")
                .isEqualTo("ESTABLISHED") // instant clock: ran to idle before answering
                .jsonPath("$.server.state")
                .isEqualTo("ESTABLISHED");
        web.get()
                .uri("/api/labs/" + lab.id() + "/connections/1")
                .exchange()
                .expectStatus()
                .isOk();
        web.get()
                .uri("/api/labs/" + lab.id() + "/connections/9")
                .exchange()
                .expectStatus()
                .isNotFound();
        api.post(lab, "/connections/1/send", Map.of("text", "hello"))
                .expectStatus()
                .isAccepted()
                .expectBody()
                .jsonPath("$.bytes")
                .isEqualTo(5);
        api.post(lab, "/connections/1/send", Map.of("base64", "AAEC", "side", "server"))
                .expectStatus()
                .isAccepted()
                .expectBody()
                .jsonPath("$.bytes")
                .isEqualTo(3);
        api.post(lab, "/connections/1/send", Map.of("bytes", 1000))
                .expectStatus()
                .isAccepted()
                .expectBody()
                .jsonPath("$.bytes")
                .isEqualTo(1000);
        api.post(lab, "/connections/1/send", Map.of("text", "a", "bytes", 3))
                .expectStatus()
                .isBadRequest();
        api.post(lab, "/connections/1/send", Map.of())
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("text");
        api.post(lab, "/connections/1/send", Map.of("base64", "%%%"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("base64");
        api.post(lab, "/connections/7/send", Map.of("text", "x")).expectStatus().isNotFound();
        api.post(lab, "/connections/1/close", Map.of("side", "client"))
                .expectStatus()
                .isAccepted();
        api.post(lab, "/connections/1/abort", Map.of()).expectStatus().isAccepted();
        api.post(lab, "/hosts/server/crash").expectStatus().isAccepted();
        List<Map<String, Object>> events = api.events(lab, 0);
        assertThat(events)
                .extracting(e -> e.get("type"))
                .contains("state", "segment.sent", "segment.delivered", "data");
        for (int i = 0; i < events.size(); i++) {
            assertThat(((Number) events.get(i).get("id")).longValue()).isEqualTo(i + 1);
        }
        Map<String, Object> syn = events.stream()
                .filter(e -> "segment.sent".equals(e.get("type")))
                .findFirst()
                .orElseThrow();
        assertThat(syn)
                .containsEntry("from", "client")
                .containsEntry("to", "server")
                .containsEntry("connection", "1");
        assertThat((Map<String, Object>) syn.get("segment"))
                .containsEntry("flags", List.of("SYN"))
                .containsEntry("seq", 100)
                .containsKeys("ipHeader", "bytes", "checksum", "checksumOk", "options");
        assertThat(api.events(lab, events.size() - 2)).hasSize(2);
        assertThat((List<?>) ((List<Map<String, Object>>) api.snapshot(lab).get("hosts"))
                        .get(1)
                        .get("listeners"))
                .isEmpty();
    }

    @Test
    void autoListenAndEphemeralPort() {
        Created lab = api.create(Map.of());
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.localPort")
                .isEqualTo(49152)
                .jsonPath("$.server.state")
                .isEqualTo("ESTABLISHED");
    }

    @Test
    void injectMapsTheCraftedSegment() {
        Created lab = api.create(Map.of());
        api.post(
                        lab,
                        "/inject",
                        Map.of(
                                "from",
                                "client",
                                "segment",
                                Map.of(
                                        "srcPort",
                                        1234,
                                        "dstPort",
                                        80,
                                        "seq",
                                        4000000000L,
                                        "ack",
                                        7,
                                        "flags",
                                        List.of("ACK", "RST"),
                                        "window",
                                        100,
                                        "options",
                                        List.of(Map.of("kind", "MSS", "value", 1200)),
                                        "text",
                                        "x")))
                .expectStatus()
                .isAccepted()
                .expectBody()
                .jsonPath("$.segmentId")
                .isEqualTo(1);
        Map<String, Object> e = api.events(lab, 0).get(0);
        assertThat(e).containsEntry("type", "segment.sent").containsEntry("note", "crafted");
        Map<String, Object> seg = (Map<String, Object>) e.get("segment");
        assertThat(seg)
                .containsEntry("flags", List.of("ACK", "RST"))
                .containsEntry("seq", 4000000000L)
                .containsEntry("ack", 7)
                .containsEntry("srcPort", 1234)
                .containsEntry("payloadLength", 1);
        api.post(
                        lab,
                        "/inject",
                        Map.of("segment", Map.of("srcPort", 1, "dstPort", 2, "ack", 5, "flags", List.of("SYN"))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("segment.ack");
        api.post(
                        lab,
                        "/inject",
                        Map.of(
                                "segment",
                                Map.of("srcPort", 1, "dstPort", 2, "options", List.of(Map.of("kind", "MSS")))))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("segment.options[0].value");
        api.post(lab, "/inject", Map.of("segment", Map.of("dstPort", 2)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("segment.srcPort");
    }

    @Test
    void faultsAddListGetDelete() {
        Created lab = api.create(Map.of());
        api.post(
                        lab,
                        "/faults",
                        Map.of(
                                "direction",
                                "server-to-client",
                                "match",
                                Map.of("onlyFlags", List.of("SYN", "ACK"), "count", 1),
                                "action",
                                "drop"))
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/api/labs/" + lab.id() + "/faults/1")
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(1)
                .jsonPath("$.match.onlyFlags[0]")
                .isEqualTo("ACK")
                .jsonPath("$.action")
                .isEqualTo("drop");
        api.post(lab, "/faults", Map.of("action", "delay"))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("delayMs");
        api.post(lab, "/faults", Map.of("action", "delay", "delayMs", 50, "match", Map.of("probability", 2)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("match.probability");
        web.get()
                .uri("/api/labs/" + lab.id() + "/faults")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.length()")
                .isEqualTo(1);
        web.get()
                .uri("/api/labs/" + lab.id() + "/faults/1")
                .exchange()
                .expectStatus()
                .isOk();
        web.delete()
                .uri("/api/labs/" + lab.id() + "/faults/1")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        api.delete(lab, "/faults/1").expectStatus().isNoContent();
        api.delete(lab, "/faults/1").expectStatus().isNotFound();
        assertThat((List<?>) api.snapshot(lab).get("faults")).isEmpty();
    }

    @Test
    void deleteRemovesTheLab() {
        Created lab = api.create(Map.of());
        web.delete()
                .uri("/api/labs/" + lab.id())
                .headers(h -> h.setBearerAuth("wrong"))
                .exchange()
                .expectStatus()
                .isForbidden();
        api.delete(lab, "").expectStatus().isNoContent();
        web.get().uri("/api/labs/" + lab.id()).exchange().expectStatus().isNotFound();
    }

    @Test
    void openApiDocumentsEveryEndpoint() {
        // springdoc builds the document on first use: about 6 s on a loaded 2-core machine, past
        // WebTestClient's 5 s default. A guard against a hang, not a measurement.
        web.mutate()
                .responseTimeout(java.time.Duration.ofSeconds(60))
                .build()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.paths['/api/labs']")
                .exists()
                .jsonPath("$.paths['/api/labs/{lab}/inject']")
                .exists()
                .jsonPath("$.paths['/api/labs/{lab}/faults/{f}']")
                .exists()
                .jsonPath("$.paths['/api/labs/{lab}/capture.pcap']")
                .exists()
                .jsonPath("$.paths['/api/labs/{lab}/clock']")
                .exists();
    }

    @Test
    void prometheusShowsLabMeters() {
        api.create(Map.of());
        web.get().uri("/api/labs/no-such-lab").exchange().expectStatus().isNotFound();
        web.get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body -> assertThat(body)
                        .contains(
                                "tcplab_labs_live",
                                "tcplab_events_total",
                                "tcplab_viewers",
                                "tcplab_requests_rejected_total"));
        web.get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP");
    }
}
