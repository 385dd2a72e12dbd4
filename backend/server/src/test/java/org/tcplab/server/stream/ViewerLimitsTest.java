package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.FakeDriverConfig;
import org.tcplab.server.support.FakeLabDriver;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.ManualWallClock;
import org.tcplab.server.system.WallClock;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Viewer caps, pings and idle removal, with the server's wall clock moved by hand: a viewer that
 * answers pings stays and keeps its lab in use; one that stopped reading is closed and does not.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-viewers-per-lab=2",
            "tcplab.max-viewers=3",
            "tcplab.viewer-ping-interval=20s",
            "tcplab.idle-timeout=10m"
        })
@AutoConfigureWebTestClient
@Import({FakeDriverConfig.class, ViewerLimitsTest.Clock.class})
class ViewerLimitsTest {

    @TestConfiguration
    static class Clock {
        @Bean
        @Primary
        ManualWallClock manualWallClock() {
            return new ManualWallClock();
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    @Autowired
    Viewers viewers;

    @Autowired
    WallClock wall;

    final ReactorNettyWebSocketClient client = new ReactorNettyWebSocketClient();
    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
        labs.all().forEach(labs::delete);
        await(() -> viewers.count() == 0);
    }

    ManualWallClock clock() {
        return (ManualWallClock) wall;
    }

    URI stream(Created lab, String query) {
        return URI.create("ws://localhost:" + port + "/api/labs/" + lab.id() + "/events/stream?" + query);
    }

    /** A viewer that reads (the client answers pings by itself); its close status goes to {@code closed}. */
    Disposable viewer(Created lab, Sinks.One<CloseStatus> closed, List<String> frames) {
        return client.execute(stream(lab, "after=0"), session -> {
                    session.closeStatus().subscribe(closed::tryEmitValue);
                    return session.receive()
                            .doOnNext(m -> frames.add(m.getPayloadAsText()))
                            .then();
                })
                .onErrorResume(e -> Mono.empty())
                .subscribe();
    }

    /** A raw socket that completes the handshake and never reads again (it cannot answer a ping). */
    Socket stalled(Created lab) throws Exception {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress("localhost", port));
        s.getOutputStream()
                .write(("GET /api/labs/" + lab.id() + "/events/stream HTTP/1.1\r\nHost: localhost:" + port
                                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                + "Sec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(condition.getAsBoolean()).isTrue();
    }

    @Test
    void viewersAreCappedPerLabAndPerServerWithAReasonAndTheCapRecovers() {
        Created a = api.create(Map.of());
        Created b = api.create(Map.of());
        Disposable a1 = viewer(a, Sinks.one(), new CopyOnWriteArrayList<>());
        Disposable a2 = viewer(a, Sinks.one(), new CopyOnWriteArrayList<>());
        await(() -> labs.get(a.id()).viewers() == 2);
        Sinks.One<CloseStatus> third = Sinks.one();
        viewer(a, third, new CopyOnWriteArrayList<>());
        CloseStatus perLab = third.asMono().block(Duration.ofSeconds(10));
        assertThat(perLab.getCode()).isEqualTo(1013);
        assertThat(perLab.getReason())
                .contains("too many viewers on this lab", "tcplab.max-viewers-per-lab", "try later");
        Disposable b1 = viewer(b, Sinks.one(), new CopyOnWriteArrayList<>());
        await(() -> viewers.count() == 3);
        Sinks.One<CloseStatus> fourth = Sinks.one();
        viewer(b, fourth, new CopyOnWriteArrayList<>());
        CloseStatus perServer = fourth.asMono().block(Duration.ofSeconds(10));
        assertThat(perServer.getCode()).isEqualTo(1013);
        assertThat(perServer.getReason()).contains("on this server", "tcplab.max-viewers");
        // One leaves: one more is welcome again.
        a1.dispose();
        await(() -> viewers.count() == 2 && viewers.watched() == 2);
        Sinks.One<CloseStatus> again = Sinks.one();
        Disposable a3 = viewer(a, again, new CopyOnWriteArrayList<>());
        await(() -> labs.get(a.id()).viewers() == 2 && viewers.count() == 3);
        a2.dispose();
        a3.dispose();
        b1.dispose();
    }

    @Autowired
    ViewersShutdown shutdown;

    @Test
    void aContextStoppedAndStartedAgainAdmitsViewersAgain() throws Exception {
        // Spring's test framework pauses cached contexts (stop) and resumes them (start): after the
        // stop every viewer is refused with 1001, after the start they are welcome again.
        Created lab = api.create(Map.of());
        shutdown.stop();
        Sinks.One<CloseStatus> refused = Sinks.one();
        viewer(lab, refused, new CopyOnWriteArrayList<>());
        assertThat(refused.asMono().block(Duration.ofSeconds(10)).getCode()).isEqualTo(1001);
        shutdown.start();
        Disposable admitted = viewer(lab, Sinks.one(), new CopyOnWriteArrayList<>());
        await(() -> labs.get(lab.id()).viewers() == 1 && viewers.watched() == 1);
        admitted.dispose();
    }

    @Test
    void aViewerThatAnswersPingsStaysAndOneThatStoppedReadingIsClosed() throws Exception {
        Created lab = api.create(Map.of());
        Lab l = labs.get(lab.id());
        Sinks.One<CloseStatus> closed = Sinks.one();
        Disposable reading = viewer(lab, closed, new CopyOnWriteArrayList<>());
        Socket stalled = stalled(lab);
        await(() -> l.viewers() == 2 && viewers.watched() == 2); // counted, and pinged from now on
        for (int round = 0; round < 3; round++) {
            clock().advance(Duration.ofSeconds(21));
            viewers.sweep();
            long now = wall.nanos();
            // The reading viewer answers this round's ping (the stalled one never does). Not the lab's
            // touch: counting the stalled viewer out touches the lab too, before the pong is in.
            await(() -> viewers.lastHeardNanos(l) == now);
            assertThat(l.lastTouchedNanos()).isEqualTo(now);
        }
        // 63 s without a word from the stalled one (two intervals are 40 s): it was closed.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (l.viewers() != 1 && System.nanoTime() < deadline) Thread.onSpinWait();
        assertThat(l.viewers())
                .as(
                        "viewers counted on the lab (watched %d, on the server %d, reading one closed: %s)",
                        viewers.watched(),
                        viewers.count(),
                        closed.asMono().toFuture().getNow(null))
                .isEqualTo(1);
        assertThat(closed.asMono().toFuture().isDone())
                .as("the reading viewer is still open")
                .isFalse();
        reading.dispose();
        stalled.close();
    }

    @Test
    void aLabWatchedOnlyByAStalledViewerIsRemovedWhenIdle() throws Exception {
        Created watched = api.create(Map.of());
        Created stalledOnly = api.create(Map.of());
        Disposable reading = viewer(watched, Sinks.one(), new CopyOnWriteArrayList<>());
        Socket stalled = stalled(stalledOnly);
        await(() -> viewers.count() == 2 && viewers.watched() == 2);
        for (int round = 0; round < 35; round++) {
            clock().advance(Duration.ofSeconds(20));
            viewers.sweep();
            long now = wall.nanos();
            await(() -> labs.get(watched.id()).lastTouchedNanos() == now);
        }
        labs.removeIdle();
        assertThat(labs.all()).extracting(Lab::id).containsExactly(watched.id());
        reading.dispose();
        stalled.close();
    }

    @Test
    void aBatchingViewerGetsJsonArraysOfEvents() {
        Created lab = api.create(Map.of());
        FakeLabDriver fake = labs.get(lab.id()).read(v -> (FakeLabDriver) v.driver());
        labs.get(lab.id()).change(d -> {
            for (int i = 0; i < 50; i++) fake.noteAt(d.nowUs() + i, "n" + i);
            return null;
        });
        List<String> frames = new CopyOnWriteArrayList<>();
        Disposable d = client.execute(stream(lab, "after=0&batch=1"), session -> session.receive()
                        .doOnNext(m -> frames.add(m.getPayloadAsText()))
                        .then())
                .subscribe();
        JsonMapper json = JsonMapper.builder().build();
        await(() -> frames.stream().mapToInt(f -> json.readTree(f).size()).sum() == 50);
        long expected = 1;
        for (String f : frames) {
            JsonNode array = json.readTree(f);
            assertThat(array.isArray()).isTrue();
            for (JsonNode e : array) assertThat(e.get("id").asLong()).isEqualTo(expected++);
        }
        d.dispose();
    }
}
