package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lab page under its Content-Security-Policy, in real Chromium: the app loads, talks to the
 * server over REST and WebSocket, draws, switches language and exports its diagram with no policy
 * violation; and a page of another origin cannot frame it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120) // a wedged browser fails instead of hanging the build
class PageSecurityE2ETest {

    private static final Path SHOTS = Browsers.SHOTS;

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();

    private String base() {
        return "http://localhost:" + port;
    }

    /** Every CSP violation the page reports, from the DOM event and from the console. */
    private static List<String> watchViolations(BrowserContext context, Page page) {
        List<String> violations = new CopyOnWriteArrayList<>();
        context.addInitScript("window.__csp = [];"
                + "document.addEventListener('securitypolicyviolation',"
                + " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));");
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) violations.add(m.text());
        });
        return violations;
    }

    @Test
    void theLabPageWorksUnderItsPolicyWithNoViolation() throws Exception {
        try (BrowserContext context = chromium.browser()
                .newContext(new Browser.NewContextOptions()
                        .setViewportSize(1500, 950)
                        .setLocale("en-US")
                        .setAcceptDownloads(true))) {
            context.setDefaultTimeout(15_000);
            Page page = context.newPage();
            List<String> violations = watchViolations(context, page);
            APIResponse created = page.request()
                    .post(
                            base() + "/api/labs",
                            RequestOptions.create()
                                    .setHeader("Content-Type", "application/json")
                                    .setData(Map.of("seed", 7, "clock", "instant")));
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.headers()).containsEntry("cache-control", "no-store");
            JsonNode lab = json.readTree(created.text());
            String id = lab.path("id").asString();

            com.microsoft.playwright.Response response = page.navigate(
                    base() + "/labs/" + id + "#token=" + lab.path("token").asString());
            assertThat(response.headers().get("content-security-policy")).contains("frame-ancestors 'self'");
            assertThat(page.locator(".status[data-status=live]")).hasCount(1);
            // Driven from the page's own controls: REST calls and the WebSocket both under connect-src.
            page.fill("input[name=listen-port]", "80");
            page.click("button[name=listen]");
            page.fill("input[name=remote-port]", "80");
            page.click("button[name=connect]");
            assertThat(page.locator("[data-segment-id]")).hasCount(3);
            page.locator("[data-segment-id]").nth(1).click();
            // The diagram's exports build SVG, PNG (through a canvas) and text in the page.
            page.waitForDownload(() -> page.click("[data-export=svg]"));
            byte[] png = Files.readAllBytes(
                    page.waitForDownload(() -> page.click("[data-export=png]")).path());
            assertThat(png.length).isGreaterThan(100);
            page.waitForDownload(() -> page.click("[data-export=mermaid]"));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("csp-01-lab-page.png")));

            Object domViolations = page.evaluate("() => window.__csp");
            assertThat((List<?>) domViolations)
                    .as("securitypolicyviolation events")
                    .isEmpty();
            assertThat(violations).as("console CSP reports").isEmpty();
        }
    }

    @Test
    void anotherOriginCannotFrameTheDriverPage() {
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            List<String> console = new CopyOnWriteArrayList<>();
            page.onConsoleMessage(m -> console.add(m.text()));
            // 127.0.0.1 and localhost are different origins: the outer page is "another site".
            page.navigate("http://127.0.0.1:" + port + "/api/scenarios");
            page.waitForConsoleMessage(
                    new Page.WaitForConsoleMessageOptions()
                            .setPredicate(m -> m.text().contains("frame-ancestors")),
                    () -> page.evaluate(
                            "src => { const f = document.createElement('iframe'); f.src = src;"
                                    + " document.body.appendChild(f); }",
                            base() + "/labs/AbC_-123"));
            assertThat(console).anyMatch(t -> t.contains("frame-ancestors"));
            assertThat(page.frames()).hasSize(2);
            assertThat(page.frames().get(1).locator("#app").count()).isZero();
        }
    }
}
