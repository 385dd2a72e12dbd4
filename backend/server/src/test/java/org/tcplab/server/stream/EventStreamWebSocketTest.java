package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.FakeDriverConfig;
import org.tcplab.server.support.FakeLabDriver;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Viewers over a real WebSocket: resume, fan-out, slow viewers, origins, inbound limits, deletion. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.viewer-buffer=64",
            "tcplab.max-inbound-frame-bytes=256",
            "tcplab.max-inbound-frames-per-second=5"
        })
@AutoConfigureWebTestClient
@Import(FakeDriverConfig.class)
class EventStreamWebSocketTest {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    final JsonMapper json = JsonMapper.builder().build();
    final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient();
    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    URI stream(Created lab, long after) {
        return URI.create("ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream?after=" + after);
    }

    /** Makes the lab log {@code n} notes of about {@code size} characters (instant clock runs them now). */
    void notes(Created lab, int n, int size) {
        String text = "x".repeat(size);
        FakeLabDriver fake = labs.get(lab.id()).read(v -> (FakeLabDriver) v.driver());
        labs.get(lab.id()).change(d -> {
            for (int i = 0; i < n; i++) fake.noteAt(d.nowUs() + i, text);
            return null;
        });
    }

    long id(WebSocketMessage m) {
        return json.readTree(m.getPayloadAsText()).get("id").asLong();
    }

    /** A viewer collecting ids into {@code ids} and its close status into {@code closed}. */
    Disposable viewer(URI uri, HttpHeaders headers, List<Long> ids, Sinks.One<CloseStatus> closed) {
        return client.execute(uri, headers, session -> {
                    session.closeStatus().subscribe(s -> closed.tryEmitValue(s));
                    return session.receive().doOnNext(m -> ids.add(id(m))).then();
                })
                .subscribe();
    }

    void awaitSize(List<?> list, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (list.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(list).hasSize(n);
    }

    @Test
    void storedEventsAfterNThenLiveOnesInOrder() throws Exception {
        Created lab = api.create(Map.of());
        notes(lab, 10, 10);
        List<Long> ids = new CopyOnWriteArrayList<>();
        Disposable d = viewer(stream(lab, 3), new HttpHeaders(), ids, Sinks.one());
        awaitSize(ids, 7);
        notes(lab, 5, 10);
        awaitSize(ids, 12);
        assertThat(ids).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        d.dispose();
    }

    @Test
    void eventFramesAreTheSchemaObjects() throws Exception {
        Created lab = api.create(Map.of());
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        String frame = client.execute(stream(lab, 0), session -> session.receive()
                        .next()
                        .map(WebSocketMessage::getPayloadAsText)
                        .doOnNext(t -> assertThat(t).isNotNull())
                        .then())
                .then(Mono.just("ok"))
                .block(Duration.ofSeconds(10));
        assertThat(frame).isEqualTo("ok");
        List<String> frames = new CopyOnWriteArrayList<>();
        Disposable d = client.execute(stream(lab, 0), s -> s.receive()
                        .doOnNext(m -> frames.add(m.getPayloadAsText()))
                        .then())
                .subscribe();
        awaitSize(frames, 1);
        JsonNode e = json.readTree(frames.get(0));
        assertThat(e.get("type").asString()).isEqualTo("state");
        assertThat(e.get("to").asString()).isEqualTo("LISTEN");
        assertThat(e.get("host").asString()).isEqualTo("server");
        d.dispose();
    }

    @Test
    void aHundredViewersEachGetEveryEvent() throws Exception {
        Created lab = api.create(Map.of());
        List<List<Long>> all = new ArrayList<>();
        List<Disposable> sessions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            List<Long> ids = new CopyOnWriteArrayList<>();
            all.add(ids);
            sessions.add(viewer(stream(lab, 0), new HttpHeaders(), ids, Sinks.one()));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (labs.get(lab.id()).viewers() < 100 && System.nanoTime() < deadline) Thread.sleep(10);
        notes(lab, 40, 100);
        for (List<Long> ids : all) {
            awaitSize(ids, 40);
            for (int i = 0; i < 40; i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
        }
        sessions.forEach(Disposable::dispose);
    }

    @Test
    void aStalledViewerIsClosedWhileAnotherGetsEverythingAndCanResume() throws Exception {
        Created lab = api.create(Map.of());
        // A raw socket that completes the handshake and then never reads: the server's writes stall.
        java.net.Socket stalled = new java.net.Socket();
        stalled.setReceiveBufferSize(4096);
        stalled.connect(new java.net.InetSocketAddress("localhost", port));
        stalled.getOutputStream()
                .write(("GET /api/labs/" + lab.id() + "/events/stream HTTP/1.1\r\nHost: localhost:" + port
                                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                + "Sec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        long stalledLast = 0;
        List<Long> healthy = new CopyOnWriteArrayList<>();
        Disposable ok = viewer(stream(lab, 0), new HttpHeaders(), healthy, Sinks.one());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (labs.get(lab.id()).viewers() < 2 && System.nanoTime() < deadline) Thread.sleep(10);
        // Bursts a healthy viewer absorbs (under its 64-event queue), until the stalled one's socket
        // buffers and queue are full: tens of megabytes at most.
        int total = 0;
        deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (labs.get(lab.id()).viewers() == 2 && total < 20_000 && System.nanoTime() < deadline) {
            notes(lab, 32, 4_000);
            total += 32;
            Thread.sleep(20);
        }
        assertThat(labs.get(lab.id()).viewers())
                .as("the stalled viewer was closed after %d events", total)
                .isEqualTo(1);
        awaitSize(healthy, total);
        for (int i = 0; i < total; i++) assertThat(healthy.get(i)).isEqualTo(i + 1L);
        stalled.close();
        // It reconnects with the last id it saw and gets the rest.
        List<Long> resumed = new CopyOnWriteArrayList<>();
        Disposable again = viewer(stream(lab, stalledLast), new HttpHeaders(), resumed, Sinks.one());
        awaitSize(resumed, (int) (total - stalledLast));
        assertThat(resumed.get(0)).isEqualTo(stalledLast + 1);
        again.dispose();
        ok.dispose();
    }

    @Test
    void foreignOriginsAreRefused() {
        Created lab = api.create(Map.of());
        HttpHeaders evil = new HttpHeaders();
        evil.setOrigin("http://evil.example");
        assertThatThrownBy(() -> client.execute(
                                stream(lab, 0), evil, s -> s.receive().then())
                        .block(Duration.ofSeconds(10)))
                .hasMessageContaining("403");
        web.get()
                .uri("/api/labs/" + lab.id() + "/events/stream")
                .header(HttpHeaders.ORIGIN, "http://evil.example")
                .exchange()
                .expectStatus()
                .isForbidden();
        HttpHeaders same = new HttpHeaders();
        same.setOrigin("http://localhost:" + port);
        List<Long> ids = new CopyOnWriteArrayList<>();
        Disposable d = viewer(stream(lab, 0), same, ids, Sinks.one());
        notes(lab, 1, 1);
        try {
            awaitSize(ids, 1);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        d.dispose();
    }

    @Test
    void deletingTheLabClosesItsViewers() throws Exception {
        Created lab = api.create(Map.of());
        Sinks.One<CloseStatus> closed = Sinks.one();
        Disposable d = viewer(stream(lab, 0), new HttpHeaders(), new CopyOnWriteArrayList<>(), closed);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (labs.get(lab.id()).viewers() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
        web.delete()
                .uri("/api/labs/" + lab.id())
                .headers(h -> h.setBearerAuth(lab.token()))
                .exchange()
                .expectStatus()
                .isNoContent();
        CloseStatus status = closed.asMono().block(Duration.ofSeconds(10));
        assertThat(status.getCode()).isEqualTo(1001);
        assertThat(status.getReason()).isEqualTo("lab deleted");
        d.dispose();
    }

    @Test
    void unknownLabClosesWith4404() {
        Sinks.One<CloseStatus> closed = Sinks.one();
        client.execute(URI.create("ws://localhost:" + port + "/api/labs/nope/events/stream"), session -> {
                    session.closeStatus().subscribe(closed::tryEmitValue);
                    return session.receive().then();
                })
                .onErrorResume(e -> Mono.empty())
                .subscribe();
        CloseStatus status = closed.asMono().block(Duration.ofSeconds(10));
        assertThat(status.getCode()).isEqualTo(4404);
    }

    @Test
    void floodingOrOversizedFramesCloseTheViewer() {
        Created lab = api.create(Map.of());
        Sinks.One<CloseStatus> flooded = Sinks.one();
        client.execute(stream(lab, 0), session -> {
                    session.closeStatus().subscribe(flooded::tryEmitValue);
                    return session.send(reactor.core.publisher.Flux.range(0, 50).map(i -> session.textMessage("hi")))
                            .then(session.receive().then());
                })
                .onErrorResume(e -> Mono.empty())
                .subscribe();
        CloseStatus flood = flooded.asMono().block(Duration.ofSeconds(10));
        assertThat(flood.getCode()).isEqualTo(1008);
        Sinks.One<CloseStatus> closed = Sinks.one();
        client.execute(stream(lab, 0), session -> {
                    session.closeStatus().subscribe(closed::tryEmitValue);
                    return session.send(Mono.just(session.textMessage("y".repeat(2000))))
                            .then(session.receive().then());
                })
                .onErrorResume(e -> Mono.empty())
                .subscribe();
        CloseStatus big = closed.asMono().block(Duration.ofSeconds(10));
        assertThat(big.getCode()).isEqualTo(1009);
    }
}
