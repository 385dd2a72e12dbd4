package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.tcplab.server.support.MutableClockConfig;
import org.tcplab.server.support.Nginx;
import org.tcplab.server.support.RawHttp;
import tools.jackson.databind.JsonNode;

/**
 * The app behind Debian's nginx at {@code /tcplab/}, started with the documented config
 * ({@code docs/deploy/nginx.conf}) and the documented flags: the start page, the SPA, viewer links,
 * Location headers and the live WebSocket all work through the proxy; the Origin check compares with
 * the forwarded origin; per-client limits count the address the proxy saw, and forwarded headers
 * from anyone but the trusted proxy are ignored. Each loopback source address (127.0.0.x) is a
 * client of its own; the mutable clock keeps every creation window open for the whole class.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "server.forward-headers-strategy=native",
            "tcplab.trusted-proxies=127.0.0.1/32",
            "tcplab.labs-per-client-per-minute=3"
        })
@Import(MutableClockConfig.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ProxyNginxE2ETest {

    private static final String JSON_BODY = "{\"seed\":7,\"clock\":\"instant\"}";

    @LocalServerPort
    int appPort;

    private Nginx nginx;
    /** A fresh loopback source address per test, so the per-client windows never meet. */
    private final AtomicInteger nextClient = new AtomicInteger(10);

    @BeforeAll
    void startNginx() throws Exception {
        assumeTrue(Nginx.available(), Nginx.MISSING);
        nginx = Nginx.start(appPort);
    }

    @AfterAll
    void stopNginx() throws IOException {
        if (nginx == null) return;
        // No request through the proxy, however refused, was a server fault.
        List<Integer> statuses = nginx.statuses();
        assertThat(statuses)
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s).as(nginx.accessLog()).isLessThan(500));
        nginx.close();
    }

    private String client() {
        return "127.0.0." + nextClient.getAndIncrement();
    }

    private String publicBase() {
        return "http://127.0.0.1:" + nginx.port() + "/tcplab";
    }

    private RawHttp.Response viaProxy(String client, String method, String path, String body) throws IOException {
        return RawHttp.send(client, nginx.port(), method, "/tcplab" + path, Map.of(), body);
    }

    private static JsonNode json(RawHttp.Response r) {
        return Rest.JSON.readTree(r.body());
    }

    @Test
    void linksAndLocationsCarryThePublicOriginAndSubPath() throws IOException {
        String c = client();
        RawHttp.Response created = viaProxy(c, "POST", "/api/labs", JSON_BODY);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = json(created).get("id").asText();
        assertThat(created.header("Location")).isEqualTo("/tcplab/api/labs/" + id);
        assertThat(json(created).get("viewerUrl").asText()).isEqualTo(publicBase() + "/labs/" + id);
        assertThat(json(created).get("eventsUrl").asText()).isEqualTo("/tcplab/api/labs/" + id + "/events/stream");

        // The scenario shortcut, which once failed with a NullPointerException behind a proxy.
        RawHttp.Response scenario = viaProxy(c, "POST", "/api/scenarios/old-duplicate-syn/labs", "{}");
        assertThat(scenario.status()).as(scenario.body()).isEqualTo(201);
        String sid = json(scenario).get("id").asText();
        assertThat(scenario.header("Location")).isEqualTo("/tcplab/api/labs/" + sid);
        assertThat(json(scenario).get("viewerUrl").asText()).isEqualTo(publicBase() + "/labs/" + sid);

        // Paged events point on under the prefix too.
        RawHttp.Response page = viaProxy(c, "GET", "/api/labs/" + sid + "/events?after=0&limit=5", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Link")).startsWith("</tcplab/api/labs/" + sid + "/events?after=5&limit=5>");

        // The page hands the SPA its API base under the prefix, and its assets load from there.
        RawHttp.Response start = viaProxy(c, "GET", "/", null);
        assertThat(start.status()).isEqualTo(200);
        assertThat(start.body())
                .contains("\"apiBase\":\"/tcplab/api\"")
                .contains("\"basePath\":\"/tcplab\"")
                .contains("\"publicBase\":\"" + publicBase() + "\"")
                .contains("src=\"/tcplab/app/app.js");
        assertThat(viaProxy(c, "GET", "/app/app.js", null).status()).isEqualTo(200);
        assertThat(viaProxy(c, "GET", "/labs/" + id, null).status()).isEqualTo(200);
        RawHttp.Response bare = RawHttp.send(c, nginx.port(), "GET", "/tcplab", Map.of(), null);
        assertThat(bare.status()).isEqualTo(301);
        assertThat(bare.header("Location")).isEqualTo("/tcplab/");
    }

    @Test
    void perClientLimitsCountTheAddressTheProxySaw() throws IOException {
        String a = client();
        String b = client();
        for (int i = 0; i < 3; i++) {
            assertThat(viaProxy(a, "POST", "/api/labs", JSON_BODY).status()).isEqualTo(201);
        }
        // A header the client writes itself changes nothing: nginx sends $remote_addr.
        RawHttp.Response refused = RawHttp.send(
                a, nginx.port(), "POST", "/tcplab/api/labs", Map.of("X-Forwarded-For", "10.9.9.9"), JSON_BODY);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(json(refused).get("detail").asText()).contains("tcplab.labs-per-client-per-minute");
        // Another client behind the same proxy is not one shared "unknown".
        assertThat(viaProxy(b, "POST", "/api/labs", JSON_BODY).status()).isEqualTo(201);
    }

    @Test
    void theViewerHandshakeComparesTheOriginWithTheForwardedOne() throws IOException {
        String id = json(viaProxy(client(), "POST", "/api/labs", JSON_BODY))
                .get("id")
                .asText();
        String path = "/tcplab/api/labs/" + id + "/events/stream?after=0";
        assertThat(wsHandshake(path, "http://127.0.0.1:" + nginx.port())).startsWith("HTTP/1.1 101");
        assertThat(wsHandshake(path, "http://evil.example")).startsWith("HTTP/1.1 403");
        // The app's own port is not the page's origin behind the proxy.
        assertThat(wsHandshake(path, "http://127.0.0.1:" + appPort)).startsWith("HTTP/1.1 403");
    }

    private String wsHandshake(String path, String origin) throws IOException {
        try (Socket s = new Socket("127.0.0.1", nginx.port())) {
            s.setSoTimeout(10_000);
            String req = "GET " + path + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + nginx.port() + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "Origin: " + origin + "\r\n"
                    + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                head.write(b);
                if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) break;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }
    }

    @Test
    void aStudentCreatesALabAndWatchesItLiveThroughTheProxy() {
        Browsers browsers = Browsers.require();
        try (browsers) {
            Page page = browsers.open(1280, 900, "en-US");
            List<String> sockets = new CopyOnWriteArrayList<>();
            AtomicInteger frames = new AtomicInteger();
            page.onWebSocket(ws -> {
                sockets.add(ws.url());
                ws.onFrameReceived(f -> frames.incrementAndGet());
            });
            page.navigate(publicBase() + "/");
            assertThat(page.locator("a.brand")).hasAttribute("href", "/tcplab/");
            page.click("button[name=create-lab]");
            page.waitForURL(java.util.regex.Pattern.compile(".*/tcplab/labs/[A-Za-z0-9_-]+$"));
            assertThat(page.locator(".status[data-status=live]")).hasCount(1);

            page.fill("input[name=listen-port]", "80");
            page.click("button[name=listen]");
            page.selectOption("select[name=connect-from]", "client");
            page.fill("input[name=local-port]", "40000");
            page.fill("input[name=remote-port]", "80");
            page.click("button[name=connect]");
            Locator arrows = page.locator("[data-segment-id]");
            assertThat(arrows).hasCount(3);
            assertThat(arrows.nth(0)).hasAttribute("data-flags", "SYN");
            Browsers.shot(page, "proxy-01-lab-through-nginx");

            String lab = page.url().replaceAll(".*/labs/", "");
            assertThat(sockets).anySatisfy(u -> assertThat(u)
                    .startsWith("ws://127.0.0.1:" + nginx.port() + "/tcplab/api/labs/" + lab + "/events/stream"));
            // Frame events reach Java while Playwright is pumped: wait for them rather than read once.
            page.waitForCondition(() -> frames.get() > 0);
            assertThat(frames.get()).isPositive();
            // The viewer link the share panel hands out is the public one.
            assertThat(page.content()).contains(publicBase() + "/labs/" + lab);
        }
    }
}
