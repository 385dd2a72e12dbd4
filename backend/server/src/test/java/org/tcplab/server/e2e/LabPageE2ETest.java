package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser lab end to end: the real server, labs created over REST, Debian's Chromium driven by
 * Playwright. One browser for the whole class, a fresh context per test. Screenshots of every case
 * land in target/screenshots/ for a human to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120) // each case takes a few seconds; a wedged browser fails instead of hanging the build
class LabPageE2ETest {

    private static final Path SHOTS = Browsers.SHOTS;
    private static final long CLIENT_ISN = 1000;
    private static final long SERVER_ISN = 5000;

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private final JsonMapper json = Rest.JSON;
    private Rest rest;
    private BrowserContext context;

    @BeforeEach
    void newContext() {
        rest = new Rest(port);
        context = chromium.context(1500, 950, "en-US");
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    @Test
    void theHandshakeDrawsThreeLabelledArrowsAndStateBadges() {
        Lab lab = createLab();
        Page page = driver(lab);
        // Drive it from the page's own controls.
        page.fill("input[name=listen-port]", "80");
        page.click("button[name=listen]");
        page.selectOption("select[name=connect-from]", "client");
        page.fill("input[name=local-port]", "40000");
        page.fill("input[name=remote-port]", "80");
        page.fill("input[name=isn]", String.valueOf(CLIENT_ISN));
        page.fill("input[name=peer-isn]", String.valueOf(SERVER_ISN));
        page.click("button[name=connect]");

        Locator arrows = page.locator("[data-segment-id]");
        assertThat(arrows).hasCount(3);
        assertThat(arrows.nth(0)).hasAttribute("data-flags", "SYN");
        assertThat(arrows.nth(1)).hasAttribute("data-flags", "SYN,ACK");
        assertThat(arrows.nth(2)).hasAttribute("data-flags", "ACK");
        assertThat(arrows.nth(0).locator(".label")).hasText(java.util.regex.Pattern.compile("^SYN seq=0 win=\\d+.*"));
        assertThat(arrows.nth(1).locator(".label"))
                .hasText(java.util.regex.Pattern.compile("^SYN,ACK seq=0 ack=1 win=\\d+.*"));
        assertThat(arrows.nth(2).locator(".label"))
                .hasText(java.util.regex.Pattern.compile("^ACK seq=1 ack=1 win=\\d+.*"));
        assertThat(page.locator("[data-host=client][data-state=SYN_SENT]")).hasCount(1);
        assertThat(page.locator("[data-host=server][data-state=SYN_RECEIVED]")).hasCount(1);
        assertThat(page.locator("[data-host=client][data-state=ESTABLISHED]")).hasCount(1);
        assertThat(page.locator("[data-host=server][data-state=ESTABLISHED]")).hasCount(1);
        // Linux's name for the state is on hover.
        assertThat(page.locator("[data-host=server][data-state=SYN_RECEIVED] title"))
                .hasText(java.util.regex.Pattern.compile(".*SYN_RECV.*"));
        shot(page, "01-handshake");
    }

    @Test
    void theLatencyControlSlowsTheNextSegmentsOfALiveLab() {
        Lab lab = createLab();
        handshake(lab);
        Page page = driver(lab);
        assertThat(page.locator("[data-segment-id]")).hasCount(3);
        page.fill("input[name=latency]", "250");
        page.click("button[name=latency]");
        // The lab's own snapshot says the link changed before anything else is sent.
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(5).toNanos();
        while (send("GET", "/api/labs/" + lab.id, null, null)
                        .path("link")
                        .path("latencyMs")
                        .asDouble()
                != 250.0) {
            org.assertj.core.api.Assertions.assertThat(System.nanoTime())
                    .as("latency applied within 5 s")
                    .isLessThan(deadline);
            page.waitForTimeout(50);
        }
        post(lab, "/connections/" + firstConnection(lab) + "/send", Map.of("text", "slow"));
        // Drawn to scale (250 ms in flight is never compressed), so count in the diagram's text
        // alternative: the SVG only holds what is in view.
        assertThat(page.locator(".segment-list li")).hasCount(5);
        List<JsonNode> events = events(lab);
        JsonNode data = events.stream()
                .filter(e -> e.path("type").asString().equals("segment.sent")
                        && e.path("segment").path("payloadLength").asInt() == 4)
                .findFirst()
                .orElseThrow();
        JsonNode arrived = events.stream()
                .filter(e -> e.path("type").asString().equals("segment.delivered")
                        && e.path("segmentId").asLong()
                                == data.path("segmentId").asLong())
                .findFirst()
                .orElseThrow();
        org.assertj.core.api.Assertions.assertThat(
                        arrived.path("time").asDouble() - data.path("time").asDouble())
                .isEqualTo(250.0);
    }

    @Test
    void aDroppedSynEndsInACrossAndIsRetransmittedOneSecondLater() {
        Lab lab = createLab();
        post(
                lab,
                "/faults",
                Map.of(
                        "direction",
                        "client-to-server",
                        "match",
                        Map.of("onlyFlags", List.of("SYN"), "count", 1),
                        "action",
                        "drop"));
        handshake(lab);
        Page page = driver(lab);
        Locator syns = page.locator("[data-segment-id][data-flags=SYN]");
        assertThat(syns).hasCount(2);
        assertThat(syns.nth(0)).hasAttribute("data-fate", "lost");
        assertThat(syns.nth(0).locator(".cross")).hasCount(1);
        assertThat(syns.nth(1)).hasAttribute("data-retransmission", "true");
        assertThat(syns.nth(1).locator(".label")).hasText(java.util.regex.Pattern.compile("^\\[RETX\\] SYN .*"));
        double first = Double.parseDouble(syns.nth(0).getAttribute("data-time"));
        double again = Double.parseDouble(syns.nth(1).getAttribute("data-time"));
        // RFC 6298 2.1: the initial RTO is one second (virtual time in sim).
        assertThat(again - first).isEqualTo(1000.0);
        assertThat(page.locator("[data-segment-id][data-flags='SYN,ACK']")).hasCount(1);
        shot(page, "02-dropped-syn");
    }

    @Test
    void theInspectorExplainsTheSynAckAndLinksFieldsToBytes() {
        Lab lab = createLab();
        handshake(lab);
        Page page = driver(lab);
        page.locator("[data-segment-id][data-flags='SYN,ACK'] .hit").click(new Locator.ClickOptions().setForce(true));
        Locator inspector = page.locator(".inspector");
        assertThat(inspector.locator("[data-name=ack] .fval")).hasText(String.valueOf(CLIENT_ISN + 1));
        assertThat(inspector.locator(".why"))
                .containsText("ack = client ISN + 1 (" + CLIENT_ISN + " + 1 = " + (CLIENT_ISN + 1) + ")");
        // Hover the acknowledgment field: its four bytes light up in the hex dump.
        inspector.locator("[data-name=ack]").hover();
        Locator lit = inspector.locator(".hex .byte.hl");
        assertThat(lit).hasCount(4);
        assertThat(String.join("", lit.allTextContents())).isEqualTo(String.format("%08x", CLIENT_ISN + 1));
        shot(page, "03-inspector");
        // And the other way round: a byte of the window lights up the window field.
        page.mouse().move(0, 0);
        inspector.locator(".hex .byte[data-byte='14']").hover();
        assertThat(inspector.locator(".bits [data-name=window]"))
                .hasClass(java.util.regex.Pattern.compile(".*\\bhl\\b.*"));
        // Keyboard: down moves to the next segment.
        page.locator(".diagram-scroll").focus();
        page.keyboard().press("ArrowDown");
        assertThat(inspector.locator(".seg-title"))
                .hasAttribute(
                        "data-segment-id",
                        page.locator("[data-segment-id][data-flags=ACK]")
                                .first()
                                .getAttribute("data-segment-id"));
    }

    @Test
    void aViewerSeesTheSameArrowsLiveAndHasNoControls() {
        Lab lab = createLab();
        Page driver = driver(lab);
        Page viewer = context.browser()
                .newContext(new Browser.NewContextOptions().setViewportSize(1500, 950))
                .newPage();
        viewer.navigate(base() + "/labs/" + lab.id);
        assertThat(viewer.locator(".status[data-status=live]")).hasCount(1);
        assertThat(viewer.locator("[data-segment-id]")).hasCount(0);

        handshake(lab);
        post(lab, "/connections/" + firstConnection(lab) + "/send", Map.of("side", "client", "text", "hello"));

        int expected = events(lab).stream()
                .filter(e -> e.path("type").asString().equals("segment.sent"))
                .toList()
                .size();
        assertThat(expected).isGreaterThanOrEqualTo(4);
        assertThat(viewer.locator("[data-segment-id]")).hasCount(expected);
        assertThat(driver.locator("[data-segment-id]")).hasCount(expected);
        assertThat(viewer.locator("[data-segment-id]").last())
                .hasAttribute(
                        "data-flags", driver.locator("[data-segment-id]").last().getAttribute("data-flags"));
        assertThat(viewer.locator("[data-role=controls]")).hasCount(0);
        assertThat(viewer.locator("button[name=connect], button[name=listen], button[name=add-fault]"))
                .hasCount(0);
        assertThat(viewer.locator(".role")).hasAttribute("data-role", "viewer");
        assertThat(driver.locator("[data-role=controls]")).hasCount(1);
        shot(viewer, "04-viewer");
        viewer.context().close();
    }

    @Test
    void aViewerWhoseConnectionDropsResumesWithoutGapsOrRepeats() {
        Lab lab = createLab();
        BrowserContext viewerContext =
                chromium.browser().newContext(new Browser.NewContextOptions().setViewportSize(1500, 950));
        Page viewer = viewerContext.newPage();
        List<String> urls = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<WebSocketRoute> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        // Pass the stream through, so the test can cut the first connection as a network would.
        viewer.routeWebSocket(java.util.regex.Pattern.compile(".*/events/stream.*"), ws -> {
            urls.add(ws.url());
            sockets.add(ws);
            ws.connectToServer();
        });
        viewer.navigate(base() + "/labs/" + lab.id);
        assertThat(viewer.locator(".status[data-status=live]")).hasCount(1);
        handshake(lab);
        assertThat(viewer.locator("[data-segment-id]")).hasCount(3);

        sockets.get(0).close(new WebSocketRoute.CloseOptions().setCode(1011).setReason("test cuts the link"));
        // Events the viewer misses while it is away (it may catch up over REST before it reconnects).
        post(lab, "/connections/" + firstConnection(lab) + "/send", Map.of("side", "client", "text", "while away"));
        viewer.waitForCondition(() -> urls.size() >= 2);
        // And events after it is back arrive live on the new socket.
        post(lab, "/connections/" + firstConnection(lab) + "/close", Map.of("side", "client"));

        List<String> sent = events(lab).stream()
                .filter(e -> e.path("type").asString().equals("segment.sent"))
                .map(e -> e.path("segmentId").asString())
                .toList();
        assertThat(viewer.locator("[data-segment-id]")).hasCount(sent.size());
        assertThat(viewer.locator("[data-segment-id]").evaluateAll("els => els.map(e => e.dataset.segmentId)"))
                .isEqualTo(sent);
        assertThat(urls.size()).isGreaterThanOrEqualTo(2);
        long resumedAfter = Long.parseLong(urls.get(1).replaceAll(".*after=(\\d+).*", "$1"));
        assertThat(resumedAfter).isGreaterThan(0);
        shot(viewer, "05-viewer-resumed");
        viewerContext.close();
    }

    @Test
    void aStudentStartsALabAndRunsAScenarioFromThePage() {
        createLab(); // skips unless the REST API is served
        String scenario = scenarioWithNarration();
        Page page = context.newPage();
        page.navigate(base() + "/");
        // tap is off on this server: offered greyed out, with the reason.
        assertThat(page.locator("input[name=mode][value=tap]")).isDisabled();
        assertThat(page.locator(".tap-reason")).containsText("tcplab.tap.enabled");
        page.click("button[name=create-lab]");
        page.waitForURL(java.util.regex.Pattern.compile(".*/labs/[A-Za-z0-9_-]+$"));
        assertThat(page.locator("[data-role=controls]")).hasCount(1);
        page.selectOption("select[name=scenario]", scenario);
        page.click("button[name=run-scenario]");
        assertThat(page.locator("[data-segment-id][data-flags=SYN]").first()).isVisible();
        assertThat(page.locator(".error-banner")).isHidden();
        shot(page, "08-started-from-page");
    }

    @Test
    void oneClickOnTheStartPageOpensARunningScenarioLab() {
        Page page = context.newPage();
        page.navigate(base() + "/");
        Locator item = page.locator("[data-scenario=old-duplicate-syn]");
        assertThat(item).containsText("old duplicate SYN");
        shot(page, "10-start-scenarios");
        item.locator("button[name=start-scenario-old-duplicate-syn]").click();
        page.waitForURL(java.util.regex.Pattern.compile(".*/labs/[A-Za-z0-9_-]+$"));
        // The driver's page: the scenario ran, so its arrows are there and the controls are offered.
        assertThat(page.locator("[data-segment-id]").first()).isVisible();
        assertThat(page.locator("button[name=connect]")).hasCount(1);
        String id = page.url().substring(page.url().lastIndexOf('/') + 1);
        JsonNode snapshot = send("GET", "/api/labs/" + id, null, null);
        org.assertj.core.api.Assertions.assertThat(
                        snapshot.path("scenario").path("name").asString())
                .isEqualTo("old-duplicate-syn");
        org.assertj.core.api.Assertions.assertThat(
                        snapshot.path("scenario").path("verdict").path("passed").asBoolean())
                .isTrue();
    }

    @Test
    void anUnknownLabSaysItIsGoneWithTheReasonAndStopsKnocking() {
        HttpResponse<String> r = sendRaw("GET", "/api/labs/NoSuchLab_123", null, null);
        assertThat(r.statusCode()).isEqualTo(404);
        String detail = json.readTree(r.body()).path("detail").asString();
        assertThat(detail).isNotBlank();
        Page page = context.newPage();
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        page.onRequest(req -> requests.add(req.url()));
        page.navigate(base() + "/labs/NoSuchLab_123");
        assertThat(page.locator(".status")).hasAttribute("data-status", "gone");
        assertThat(page.locator(".gone h2")).hasText("This lab no longer exists");
        assertThat(page.locator(".gone .reason code")).hasText(detail);
        assertThat(page.locator(".gone a[href='/']")).hasText("Start a new lab");
        shot(page, "09-unknown-lab");
        // It stops: no more requests for the lab after it said so.
        int seen = requests.size();
        page.waitForTimeout(1500);
        assertThat(requests.size()).isEqualTo(seen);
    }

    @Test
    void switchingToChineseChangesTheNarration() {
        Lab lab = createLab();
        String scenario = scenarioWithNarration();
        Page page = driver(lab);
        post(lab, "/scenarios/" + scenario, Map.of("params", Map.of()));
        Locator text = page.locator(".narration .current .narration-text");
        assertThat(text).not().hasText("");
        String english = text.textContent();
        page.selectOption("select[name=lang]", "zh-CN");
        assertThat(text).not().hasText(english);
        assertThat(text).hasText(java.util.regex.Pattern.compile(".*[\\u4e00-\\u9fff].*"));
        assertThat(page.locator("button[name=connect]")).hasText("连接");
        // The scenario's expectation, when the snapshot carries one, is shown with its verdict.
        JsonNode verdict =
                send("GET", "/api/labs/" + lab.id, null, null).path("scenario").path("verdict");
        if (verdict.isObject()) {
            assertThat(page.locator(".verdict"))
                    .hasAttribute(
                            "data-passed", String.valueOf(verdict.path("passed").asBoolean()));
            assertThat(page.locator(".verdict .expected li"))
                    .hasCount(verdict.path("expected").size());
        }
        shot(page, "06-chinese");
    }

    @Test
    void theExportsDownloadPcapSvgPngAndMermaid() throws IOException {
        Lab lab = createLab();
        handshake(lab);
        Page page = driver(lab);
        assertThat(page.locator("[data-segment-id]")).hasCount(3);
        Download download = page.waitForDownload(() -> page.click("[data-export=pcap]"));
        byte[] bytes = Files.readAllBytes(download.path());
        assertThat(bytes.length).isGreaterThan(24);
        int magic =
                ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
        // Classic libpcap, either byte order, micro- or nanosecond timestamps.
        assertThat(magic).isIn(0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1);
        // The diagram's own exports: a standalone SVG with the arrows, and Mermaid text.
        String svg = Files.readString(
                page.waitForDownload(() -> page.click("[data-export=svg]")).path());
        assertThat(svg).startsWith("<svg").contains("data-flags=\"SYN,ACK\"");
        byte[] png = Files.readAllBytes(
                page.waitForDownload(() -> page.click("[data-export=png]")).path());
        Files.write(SHOTS.resolve("07-export-diagram.png"), png); // the exported image itself, to look at
        assertThat(java.util.Arrays.copyOf(png, 8))
                .isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        String mermaid = Files.readString(
                page.waitForDownload(() -> page.click("[data-export=mermaid]")).path());
        assertThat(mermaid).startsWith("sequenceDiagram").contains("client->>server: SYN seq=0");
        shot(page, "07-export-page");
    }

    // ---- helpers -------------------------------------------------------------------------

    record Lab(String id, String token) {}

    private String base() {
        return rest.base();
    }

    private Lab createLab() {
        Rest.Lab lab =
                rest.createLab(Map.of("mode", "sim", "seed", 7, "clock", "instant", "link", Map.of("latencyMs", 10)));
        return new Lab(lab.id(), lab.token());
    }

    private void handshake(Lab lab) {
        post(lab, "/listen", Map.of("host", "server", "port", 80));
        post(
                lab,
                "/connections",
                Map.of(
                        "from",
                        "client",
                        "localPort",
                        40000,
                        "remotePort",
                        80,
                        "isn",
                        CLIENT_ISN,
                        "peerIsn",
                        SERVER_ISN));
    }

    private String firstConnection(Lab lab) {
        return rest.firstConnection(new Rest.Lab(lab.id, lab.token));
    }

    private List<JsonNode> events(Lab lab) {
        return rest.events(new Rest.Lab(lab.id, lab.token));
    }

    private String scenarioWithNarration() {
        return "three-way-handshake";
    }

    private JsonNode post(Lab lab, String path, Object body) {
        return rest.post(new Rest.Lab(lab.id, lab.token), path, body);
    }

    private JsonNode send(String method, String path, String token, Object body) {
        return rest.send(method, path, token, body);
    }

    private HttpResponse<String> sendRaw(String method, String path, String token, Object body) {
        return rest.sendRaw(method, path, token, body);
    }

    /** The teacher's own link: the token travels in the fragment, never to the server. */
    private Page driver(Lab lab) {
        Page page = context.newPage();
        page.navigate(base() + "/labs/" + lab.id + "#token=" + lab.token);
        assertThat(page.locator(".status[data-status=live]")).hasCount(1);
        return page;
    }

    private void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions()
                .setPath(SHOTS.resolve(name + ".png"))
                .setFullPage(false));
    }
}
