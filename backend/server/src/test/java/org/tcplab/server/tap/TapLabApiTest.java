package org.tcplab.server.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.tap.TapLab;
import org.tcplab.tap.TapSupport;
import reactor.core.Disposable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tap labs over REST against the real Linux kernel (root only; skipped elsewhere with TapSupport's
 * reason): handshake with a fixed ISN, Linux's SYN-ACK dropped by a fault and retransmitted, data
 * both ways, and the namespace gone after DELETE.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tcplab.tap.enabled=true")
@AutoConfigureWebTestClient
class TapLabApiTest {

    private static final long ISN = 1_000_000L;

    @Autowired
    WebTestClient web;

    @LocalServerPort
    int port;

    LabClient api;

    @BeforeAll
    static void needsTap() {
        TapSupport.Availability a = TapSupport.check("server");
        Assumptions.assumeTrue(a.available(), () -> "tap labs need: " + a.reason());
    }

    @BeforeEach
    void setUp() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        api = new LabClient(web);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ourStackAgainstLinuxServerOverRest() throws Exception {
        List<String> linksBefore = hostLinks();
        Created lab = api.create(Map.of("mode", "tap", "linuxSide", "server", "tcp", Map.of("initialRtoMs", 3000)));
        String namespace = null;
        boolean deleted = false;
        // A live viewer from the start: the kernel lab's thread feeds it while requests come and go.
        List<Long> live = new CopyOnWriteArrayList<>();
        JsonMapper json = JsonMapper.builder().build();
        Disposable viewer = new ReactorNettyWebSocketClient()
                .execute(
                        URI.create("ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream?after=0"),
                        session -> session.receive()
                                .doOnNext(m -> live.add(json.readTree(m.getPayloadAsText())
                                        .get("id")
                                        .asLong()))
                                .then())
                .subscribe();
        try {
            Map<String, Object> snap = api.snapshot(lab);
            assertThat(snap).containsEntry("mode", "tap").containsEntry("clock", "realtime");
            Map<String, Object> tap = (Map<String, Object>) snap.get("tap");
            namespace = (String) tap.get("namespace");
            assertThat(tap).containsEntry("linuxSide", "server").containsKeys("device", "linuxIp", "ourIp");
            assertThat(netns()).contains(namespace);

            // Linux's first SYN-ACK is lost: it must send it again (its SYN-ACK RTO, about 1 s; our own
            // SYN retransmission is held back to 3 s so the repeat is Linux's own timer).
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
                    .isCreated();
            api.post(lab, "/listen", Map.of("host", "server", "port", 8080))
                    .expectStatus()
                    .isCreated();
            String c = (String) web.post()
                    .uri("/api/labs/" + lab.id() + "/connections")
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("from", "client", "localPort", 40000, "remotePort", 8080, "isn", ISN))
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                    .returnResult()
                    .getResponseBody()
                    .get("id");

            List<Map<String, Object>> events = await(
                    lab,
                    ev -> ev.stream().anyMatch(e -> isState(e, "server", "ESTABLISHED"))
                            && ev.stream().anyMatch(e -> isState(e, "client", "ESTABLISHED")));
            List<Map<String, Object>> synAcks = events.stream()
                    .filter(e -> "segment.sent".equals(e.get("type"))
                            && "server".equals(e.get("from"))
                            && ((Map<String, Object>) e.get("segment"))
                                    .get("flags")
                                    .equals(List.of("ACK", "SYN")))
                    .toList();
            assertThat(synAcks).as("Linux's SYN-ACKs in %s", events).hasSizeGreaterThanOrEqualTo(2);
            Map<String, Object> first = synAcks.get(0);
            assertThat(((Number) ((Map<String, Object>) first.get("segment")).get("ack")).longValue())
                    .isEqualTo(ISN + 1);
            assertThat(events).anySatisfy(e -> assertThat(e)
                    .containsEntry("type", "fault")
                    .containsEntry("action", "drop")
                    .containsEntry("segmentId", first.get("segmentId")));
            Map<String, Object> again = synAcks.get(1);
            assertThat(again).containsEntry("retransmission", true);
            double gapMs = ((Number) again.get("time")).doubleValue() - ((Number) first.get("time")).doubleValue();
            assertThat(gapMs).as("Linux's SYN-ACK retransmission timeout").isBetween(700.0, 2500.0);
            assertThat(events).anySatisfy(e -> assertThat(
                            isState(e, "server", "ESTABLISHED") && TapLab.OBSERVED.equals(e.get("cause")))
                    .isTrue());
            assertGaplessInOrder(events);

            // Data both ways: our stack to Linux's socket, Linux's socket to our stack.
            api.post(lab, "/connections/" + c + "/send", Map.of("side", "client", "text", "hello linux"))
                    .expectStatus()
                    .isAccepted();
            api.post(lab, "/connections/" + c + "/send", Map.of("side", "server", "text", "hi stack"))
                    .expectStatus()
                    .isAccepted();
            events = await(
                    lab,
                    ev -> ev.stream().anyMatch(e -> isData(e, "server", 11))
                            && ev.stream().anyMatch(e -> isData(e, "client", 8)));
            assertGaplessInOrder(events);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (live.size() < events.size() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(List.copyOf(live).subList(0, events.size()))
                    .as("the WebSocket viewer's ids")
                    .isEqualTo(events.stream()
                            .map(e -> ((Number) e.get("id")).longValue())
                            .toList());

            byte[] pcap = web.get()
                    .uri("/api/labs/" + lab.id() + "/capture.pcap")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(byte[].class)
                    .returnResult()
                    .getResponseBody();
            assertThat(pcap.length)
                    .as("a libpcap file with the handshake's segments")
                    .isGreaterThan(24 + 3 * 40);

            Map<String, Object> conn =
                    ((List<Map<String, Object>>) api.snapshot(lab).get("connections")).get(0);
            assertThat((Map<String, Object>) conn.get("client")).containsEntry("state", "ESTABLISHED");
            assertThat(((Number) ((Map<String, Object>) conn.get("client")).get("iss")).longValue())
                    .isEqualTo(ISN);
            assertThat((Map<String, Object>) conn.get("server"))
                    .containsEntry("state", "ESTABLISHED")
                    .containsEntry("localPort", 8080);

            // A crafted segment from our side goes on the real wire (an out-of-window RST: Linux ignores it).
            api.post(
                            lab,
                            "/inject",
                            Map.of(
                                    "from",
                                    "client",
                                    "segment",
                                    Map.of("srcPort", 40000, "dstPort", 8080, "seq", 1, "flags", List.of("RST"))))
                    .expectStatus()
                    .isAccepted();
            await(lab, ev -> ev.stream()
                    .anyMatch(e -> "segment.sent".equals(e.get("type"))
                            && "crafted".equals(e.get("note"))
                            && "client".equals(e.get("from"))));
            web.post()
                    .uri("/api/labs/" + lab.id() + "/connections/99/send")
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("side", "client", "text", "x"))
                    .exchange()
                    .expectStatus()
                    .isNotFound();
            web.patch()
                    .uri("/api/labs/" + lab.id() + "/clock")
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("clock", "step"))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.field")
                    .isEqualTo("clock");

            web.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
            deleted = true;
            // Only our own: other processes on this machine may create namespaces meanwhile.
            assertThat(netns()).doesNotContain(namespace);
            assertThat(hostLinks()).isEqualTo(linksBefore);
        } finally {
            viewer.dispose();
            if (!deleted) {
                web.delete()
                        .uri("/api/labs/" + lab.id())
                        .headers(h -> h.setBearerAuth(lab.token()))
                        .exchange();
            }
            if (namespace != null && netns().contains(namespace)) {
                run("ip", "netns", "delete", namespace);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void twoLinuxSocketsWithLinuxSideBoth() throws Exception {
        Assumptions.assumeTrue(
                TapSupport.check("both").available(),
                () -> "linuxSide both needs: " + TapSupport.check("both").reason());
        Created lab = api.create(Map.of("mode", "tap", "linuxSide", "both"));
        List<String> namespaces = List.of();
        try {
            namespaces = List.of(
                    ((String) ((Map<String, Object>) api.snapshot(lab).get("tap")).get("namespace")).split(","));
            assertThat(netns()).containsAll(namespaces);
            api.post(lab, "/listen", Map.of("host", "server", "port", 7000))
                    .expectStatus()
                    .isCreated();
            api.post(lab, "/connections", Map.of("from", "client", "remotePort", 7000))
                    .expectStatus()
                    .isCreated();
            List<Map<String, Object>> events = await(
                    lab,
                    ev -> ev.stream().anyMatch(e -> isState(e, "server", "ESTABLISHED"))
                            && ev.stream().anyMatch(e -> isState(e, "client", "ESTABLISHED")));
            assertThat(events)
                    .anySatisfy(e ->
                            assertThat(e).containsEntry("type", "segment.sent").containsEntry("from", "client"));
            assertGaplessInOrder(events);
            Map<String, Object> conn =
                    ((List<Map<String, Object>>) api.snapshot(lab).get("connections")).get(0);
            assertThat((Map<String, Object>) conn.get("client")).containsEntry("state", "ESTABLISHED");
            assertThat((Map<String, Object>) conn.get("server")).containsEntry("state", "ESTABLISHED");
            web.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
            assertThat(netns()).doesNotContainAnyElementsOf(namespaces);
        } finally {
            web.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange();
            for (String ns : namespaces) {
                if (netns().contains(ns)) run("ip", "netns", "delete", ns);
            }
        }
    }

    @Test
    void whatTheKernelDecidesItselfIs400NamingTheField() {
        Created lab = api.create(Map.of("mode", "tap", "linuxSide", "server"));
        try {
            // The engine refuses with the field typed in its exception, not parsed back out of a message.
            api.post(lab, "/connections", Map.of("from", "client", "remotePort", 80, "peerIsn", 5))
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.field")
                    .isEqualTo("peerIsn");
            api.post(lab, "/connections", Map.of("from", "client", "remotePort", 80, "simultaneous", true))
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.field")
                    .isEqualTo("simultaneous");
            api.post(lab, "/connections", Map.of("from", "server", "remotePort", 80, "isn", 5))
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.field")
                    .isEqualTo("isn");
        } finally {
            web.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange()
                    .expectStatus()
                    .isNoContent();
        }
    }

    @Test
    void badLinuxSideAndClockAre400NamingTheField() {
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mode", "tap", "linuxSide", "kernel"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("linuxSide");
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mode", "tap", "clock", "step"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("clock");
        web.get()
                .uri("/api/system/capabilities")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.modes.sim.available")
                .isEqualTo(true)
                .jsonPath("$.modes.tap.available")
                .isEqualTo(true)
                .jsonPath("$.modes.tap.linuxSides.server.available")
                .isEqualTo(true);
    }

    @SuppressWarnings("unchecked")
    private static boolean isState(Map<String, Object> e, String host, String to) {
        return "state".equals(e.get("type")) && host.equals(e.get("host")) && to.equals(e.get("to"));
    }

    private static boolean isData(Map<String, Object> e, String host, long total) {
        return "data".equals(e.get("type"))
                && host.equals(e.get("host"))
                && ((Number) e.get("total")).longValue() == total;
    }

    private static void assertGaplessInOrder(List<Map<String, Object>> events) {
        for (int i = 0; i < events.size(); i++) {
            assertThat(((Number) events.get(i).get("id")).longValue()).isEqualTo(i + 1L);
        }
    }

    /** Polls GET /events until {@code done} holds (real time: the kernel answers when it answers). */
    private List<Map<String, Object>> await(Created lab, Predicate<List<Map<String, Object>>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Map<String, Object>> events = api.events(lab, 0);
        while (!done.test(events)) {
            assertThat(System.nanoTime())
                    .as("waiting for the kernel; events so far: %s", events)
                    .isLessThan(deadline);
            Thread.sleep(50);
            events = api.events(lab, 0);
        }
        return events;
    }

    private static List<String> netns() throws IOException, InterruptedException {
        return run("ip", "netns", "list")
                .lines()
                .map(l -> l.split(" ")[0])
                .filter(s -> !s.isBlank())
                .toList();
    }

    /** The host's link names (counters and states of other links are not ours to compare). */
    private static List<String> hostLinks() throws IOException, InterruptedException {
        return run("ip", "-o", "link", "show")
                .lines()
                .map(l -> l.split(": ")[1])
                .sorted()
                .toList();
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
