package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;

/**
 * The Origin check lives in the WebSocket handshake of the handler the request was routed to, so no
 * spelling of the path that routing accepts escapes it ({@code %73tream} and {@code %6cabs} once went
 * past a filter that compared the raw path). Raw sockets, so the path reaches the server as written.
 */
// Its own creation allowance: the default context's 30 labs a minute are shared by other classes.
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=100000")
@AutoConfigureWebTestClient
class WebSocketOriginTest {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    String lab;

    @BeforeEach
    void setUp() {
        lab = new LabClient(web).create(Map.of()).id();
    }

    /** Sends a WebSocket handshake and returns the response head (status line and headers). */
    private String handshake(String path, String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            String req = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: localhost:" + port + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) break;
                head.write(b);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/labs/LAB/events/stream",
                "/api/labs/LAB/events/%73tream",
                "/api/%6cabs/LAB/events/stream",
                "/api/labs/LAB/%65vents/%73%74%72%65%61%6d",
                "/api//labs/LAB/events/stream",
                "/api/labs/LAB/events/stream/",
                "/api/labs/LAB/events/stream;x=1",
            })
    void aForeignOriginIsRefusedWhateverThePathSpelling(String path) throws IOException {
        String p = path.replace("LAB", lab);
        String foreign = handshake(p, "http://evil.example");
        String own = handshake(p, "http://localhost:" + port);
        // Every spelling either reaches the handshake (and the check) or no WebSocket at all.
        assertThat(foreign).doesNotStartWith("HTTP/1.1 101");
        if (own.startsWith("HTTP/1.1 101")) {
            assertThat(foreign).startsWith("HTTP/1.1 403").contains("application/problem+json");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/labs/LAB/events/%73tream", "/api/%6cabs/LAB/events/stream"})
    void theEncodedSpellingsReachTheHandshakeAndAreChecked(String path) throws IOException {
        String p = path.replace("LAB", lab);
        assertThat(handshake(p, "http://localhost:" + port)).startsWith("HTTP/1.1 101");
        assertThat(handshake(p, null)).startsWith("HTTP/1.1 101");
        assertThat(handshake(p, "http://evil.example"))
                .startsWith("HTTP/1.1 403")
                .contains("application/problem+json");
    }
}
