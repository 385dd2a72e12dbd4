package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.client.ReactorNettyWebSocketClient;
import reactor.core.Disposable;

/**
 * The HTTP edge: headers on pages and answers (CSP with frame-ancestors, nosniff, no referrer,
 * no-store where a token travels), and connections that dribble their headers are closed.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.request-header-timeout=1s", "tcplab.keep-alive-timeout=2s"})
@AutoConfigureWebTestClient
class HttpEdgeTest {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    @Test
    void pagesCarryAContentSecurityPolicyThatKeepsOtherSitesFromFramingThem() {
        for (String page : List.of("/", "/labs/AbC_-123")) {
            web.get()
                    .uri(page)
                    .accept(MediaType.TEXT_HTML)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectHeader()
                    .value("Content-Security-Policy", csp -> assertThat(csp)
                            .contains("frame-ancestors 'self'")
                            .contains("script-src 'self'")
                            .contains("connect-src 'self'")
                            .contains("object-src 'none'")
                            .doesNotContain("unsafe-eval"))
                    .expectHeader()
                    .valueEquals("X-Frame-Options", "SAMEORIGIN")
                    .expectHeader()
                    .valueEquals("X-Content-Type-Options", "nosniff")
                    .expectHeader()
                    .valueEquals("Referrer-Policy", "no-referrer");
        }
    }

    @Test
    void answersAreNotSniffedAndThoseCarryingATokenAreNotStored() {
        web.get()
                .uri("/api/scenarios")
                .exchange()
                .expectHeader()
                .valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader()
                .valueEquals("Referrer-Policy", "no-referrer");
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");
        web.post()
                .uri("/api/scenarios/three-way-handshake/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** True once the server closed the connection (a blocking read ends: no sleeping, no polling). */
    private static boolean closedByServer(Socket s) throws IOException {
        return closedByServer(s, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    }

    /**
     * The same, giving up at {@code deadlineNanos}: a guard so that a server that never closes fails
     * the test instead of hanging it, not a measurement.
     */
    private static boolean closedByServer(Socket s, long deadlineNanos) throws IOException {
        long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        s.setSoTimeout((int) Math.max(1, left));
        InputStream in = s.getInputStream();
        try {
            while (true) {
                if (in.read() < 0) return true;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void connectionsThatDribbleTheirHeadersAreClosedAndTheServerStillAnswers() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService dribbler = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 100; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            // One more header line to every socket every 100 ms: slowloris keeps each one "active".
            dribbler.scheduleAtFixedRate(
                    () -> {
                        for (Socket s : slow) {
                            try {
                                s.getOutputStream().write("X-a: b\r\n".getBytes(StandardCharsets.US_ASCII));
                            } catch (IOException closed) {
                                // the server hung up: what this test waits for
                            }
                        }
                    },
                    100,
                    100,
                    TimeUnit.MILLISECONDS);
            // 15 s of dribbling is about 1.2 KB of headers per connection, far below netty's 8 KB
            // header limit: only the header timeout can close them in that time.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int closed = 0;
            for (Socket s : slow) {
                if (closedByServer(s, deadline)) closed++;
            }
            assertThat(closed)
                    .as("slow-header connections closed by the server")
                    .isEqualTo(100);
        } finally {
            dribbler.shutdownNow();
            for (Socket s : slow) s.close();
        }
        web.get().uri("/api/scenarios").exchange().expectStatus().isOk();
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAndAKeptAliveOneAfterItsAnswer() throws Exception {
        // (tcplab.keep-alive-timeout applies after an answer; the 1 s header timeout before the first.)
        try (Socket silent = new Socket("127.0.0.1", port)) {
            assertThat(closedByServer(silent)).isTrue();
        }
        try (Socket keptAlive = new Socket("127.0.0.1", port)) {
            keptAlive
                    .getOutputStream()
                    .write("GET /api/scenarios HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = keptAlive.getInputStream();
            byte[] head = new byte[12];
            assertThat(in.readNBytes(head, 0, 12)).isEqualTo(12);
            assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
            assertThat(closedByServer(keptAlive)).isTrue();
        }
    }

    @Test
    void aBodyThatStallsIsClosedAfterTheHeaderTimeout() throws Exception {
        // Headers promise 100 bytes, 10 arrive, then nothing: the connection is closed (1 s timeout).
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream()
                    .write(("POST /api/labs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 100\r\n\r\n{\"seed\": 1")
                            .getBytes(StandardCharsets.US_ASCII));
            assertThat(closedByServer(s)).isTrue();
        }
    }

    @Test
    void aQuietViewerOutlivesTheHeaderAndKeepAliveTimeouts() throws Exception {
        // A viewer only listens: after the upgrade no timeout meant for requests may close it, however
        // long the lab stays quiet (a class watching a paused lab).
        Map<?, ?> lab = web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        String id = (String) lab.get("id");
        List<String> frames = new CopyOnWriteArrayList<>();
        AtomicReference<CloseStatus> closed = new AtomicReference<>();
        Disposable viewer = new ReactorNettyWebSocketClient()
                .execute(URI.create("ws://127.0.0.1:" + port + "/api/labs/" + id + "/events/stream"), ws -> {
                    ws.closeStatus().subscribe(closed::set);
                    return ws.receive()
                            .doOnNext(m -> frames.add(m.getPayloadAsText()))
                            .then();
                })
                .subscribe();
        try {
            // Longer than both timeouts (1 s for headers, 2 s keep-alive), with nothing sent by the viewer.
            Thread.sleep(3_000);
            web.post()
                    .uri("/api/labs/" + id + "/connections")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + lab.get("token"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("remotePort", 80, "autoListen", true))
                    .exchange()
                    .expectStatus()
                    .isCreated();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (frames.isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(closed.get()).as("the quiet viewer was not closed").isNull();
            assertThat(frames)
                    .as("events reach a viewer that was quiet for 3 s")
                    .isNotEmpty();
        } finally {
            viewer.dispose();
        }
    }
}
