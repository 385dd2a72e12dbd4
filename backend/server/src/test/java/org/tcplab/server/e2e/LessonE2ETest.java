package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The diagram a class reads (issue 11): numbers that match the narration, stepping a lesson one
 * segment at a time with a verdict that gives nothing away, errors a student can act on, the
 * projector mode, sharing, exports, and the page when a lab is gone (issue 10). Screenshots land
 * in target/screenshots/ for a person to look at.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120)
class LessonE2ETest {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private Rest rest() {
        return new Rest(port);
    }

    /** A scenario lab opened by its driver, fully loaded. */
    private Page scenarioLab(Page page, String scenario) {
        Rest.Lab lab = scenarioLab(scenario);
        page.navigate(rest().base() + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(page.locator(".status[data-status=live]")).hasCount(1);
        assertThat(page.locator(".verdict")).isVisible();
        return page;
    }

    private Rest.Lab scenarioLab(String scenario) {
        return rest().scenarioLab(scenario);
    }

    private static void shot(Page page, String name) {
        Browsers.shot(page, name);
    }

    @Test
    void scenarioArrowsSpeakInTheNarrationsAbsoluteNumbersPerIncarnation() {
        Page page = scenarioLab(chromium.open(1400, 900, "en-US"), "old-duplicate-syn");
        assertThat(page.locator("select[name=numbering]")).hasValue("absolute");
        Locator labels = page.locator("[data-segment-id] .label");
        // RFC 9293 figure 8: SYN 100 (delayed), the old SYN 90, SYN,ACK 300 acknowledging 91, RST 91.
        assertThat(labels.nth(0)).hasText(Pattern.compile("^SYN seq=100\\b.*"));
        assertThat(labels.nth(1)).hasText(Pattern.compile("^\\[CRAFTED\\] SYN seq=90\\b.*"));
        assertThat(labels.nth(2)).hasText(Pattern.compile("^SYN,ACK seq=300 ack=91\\b.*"));
        assertThat(labels.nth(3)).hasText(Pattern.compile("^RST seq=91\\b.*"));
        shot(page, "20-numbers-absolute");
        // Relative numbers restart with each incarnation and never wrap below zero.
        page.selectOption("select[name=numbering]", "relative");
        assertThat(labels.nth(2)).hasText(Pattern.compile("^SYN,ACK seq=0 ack=1\\b.*"));
        assertThat(labels.nth(3)).hasText(Pattern.compile("^RST seq=1\\b.*"));
        assertThat(page.locator("[data-segment-id]").last().locator(".label"))
                .hasText(Pattern.compile("^ACK seq=1 ack=1\\b.*"));
        for (String t : labels.allTextContents()) assertThat(t).doesNotContainPattern("=4294967\\d{3}");
        page.selectOption("select[name=numbering]", "both");
        assertThat(labels.nth(2)).hasText(Pattern.compile("^SYN,ACK seq=300 \\(rel 0\\) ack=91 \\(rel 1\\).*"));
        shot(page, "21-numbers-both");
    }

    @Test
    void steppingGoesOneSegmentAtATimeFromTheStartAndTheVerdictGivesNothingAway() {
        Page page = scenarioLab(chromium.open(1400, 900, "en-US"), "syn-ack-lost");
        Locator arrows = page.locator("[data-segment-id]");
        assertThat(arrows).hasCount(7);
        assertThat(page.locator(".verdict")).hasAttribute("data-status", "passed");
        // Step from Live: the lesson starts again at its first segment.
        page.click("button[name=step]");
        assertThat(arrows).hasCount(1);
        assertThat(arrows.first()).hasAttribute("data-fate", "in-flight");
        assertThat(page.locator(".verdict")).hasAttribute("data-status", "so-far");
        assertThat(page.locator(".verdict .expected li")).hasCount(1);
        assertThat(page.locator(".verdict .remaining")).hasText("6 more expected segments to come.");
        assertThat(page.locator(".narration .current")).containsText("The client sends its SYN, seq=100.");
        shot(page, "22-step-1");
        // The SYN arrives: same arrow, now delivered, with the server's SYN_RECEIVED.
        page.click("button[name=step]");
        assertThat(arrows).hasCount(1);
        assertThat(arrows.first()).hasAttribute("data-fate", "delivered");
        assertThat(page.locator("[data-host=server][data-state=SYN_RECEIVED]")).hasCount(1);
        page.click("button[name=step]");
        assertThat(arrows).hasCount(2);
        assertThat(arrows.nth(1)).hasAttribute("data-fate", "lost");
        // Event steps are still there, and back steps.
        String position = page.locator(".playback .position").textContent();
        page.click("button[name=step-event]");
        assertThat(page.locator(".playback .position")).not().hasText(position);
        page.click("button[name=step-back]");
        page.click("button[name=step-back]");
        assertThat(arrows).hasCount(1);
        shot(page, "23-step-back");
        // Every segment is expected: the extra SYN,ACK and ACK included.
        page.click("button[name=live]");
        assertThat(page.locator(".verdict .actual li.meets")).hasCount(7);
        assertThat(page.locator(".verdict .actual li.outside")).hasCount(0);
        assertThat(page.locator(".verdict .verdict-result")).hasText("✓ as expected");
        // Flags read the same everywhere: SYN,ACK, never ACK,SYN.
        assertThat(page.locator(".verdict")).not().containsText("ACK,SYN");
    }

    @Test
    void replayHasASpeed() {
        Page page = scenarioLab(chromium.open(1024, 768, "en-US"), "three-way-handshake");
        page.selectOption("select[name=speed]", "4");
        page.click("button[name=replay]");
        assertThat(page.locator(".playback")).hasAttribute("data-mode", "replay");
        // At four times the pace a handshake replays in about a second or two.
        assertThat(page.locator(".playback"))
                .hasAttribute(
                        "data-mode",
                        "live",
                        new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions()
                                .setTimeout(8000));
    }

    @Test
    void whatCannotBeDoneYetIsDisabledWithTheReasonAndFormsAreCheckedFirst() {
        Rest r = rest();
        Rest.Lab lab = r.createLab(Map.of("mode", "sim", "clock", "instant"));
        Page page = chromium.open(1400, 900, "zh-CN");
        page.navigate(r.base() + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(page.locator(".status[data-status=live]")).hasCount(1);
        Locator send = page.locator("button[name=send]");
        assertThat(send).isDisabled();
        assertThat(send).hasAttribute("title", "还没有连接：请先用“连接”建立一个（或运行一个场景）。");
        assertThat(page.locator("button[name=advance]")).isDisabled();
        assertThat(page.locator("button[name=advance]")).hasAttribute("title", Pattern.compile(".*单步时钟.*"));
        // Loss of 150 %: said in Chinese, and nothing is sent.
        page.fill("input[name=loss]", "150");
        page.click("button[name=loss]");
        assertThat(page.locator(".error-banner .detail")).hasText("丢包率（%）必须在 0 到 100 之间。");
        assertThat(page.locator("input[name=loss]")).hasAttribute("aria-invalid", "true");
        assertThat(r.get("/api/labs/" + lab.id()).path("faults").size()).isEqualTo(0);
        shot(page, "24-validation-zh");
        // Listen once; a second Listen on the same port is disabled, saying why.
        page.click("button[name=listen]");
        assertThat(page.locator("button[name=listen]")).isDisabled();
        assertThat(page.locator("button[name=listen]")).hasAttribute("title", "这台主机已经在这个端口上监听了。");
        // Once there is a connection, Send works.
        page.fill("input[name=local-port]", "40000");
        page.click("button[name=connect]");
        assertThat(send).isEnabled();
        // A refusal from the server, in Chinese (RFC 9293's error string has its sentence), once.
        page.click("button[name=connect]");
        Locator banner = page.locator(".error-banner .detail");
        assertThat(banner).hasText("连接已经存在（RFC 9293 §3.10.1）：请换一个本地端口");
        shot(page, "25-refusal-zh");
    }

    @Test
    void projectorModeIsOneKeystrokeAndAButton() {
        Page page = scenarioLab(chromium.open(1024, 768, "en-US"), "three-way-handshake");
        page.locator(".diagram-scroll").focus();
        page.keyboard().press("p");
        assertThat(page.locator("body")).hasAttribute("data-projector", "");
        assertThat(page.locator(".inspector")).isHidden();
        assertThat(page.locator(".events")).isHidden();
        assertThat(page.locator("section.narration")).isVisible();
        assertThat(page.locator("button[name=projector]")).hasAttribute("aria-pressed", "true");
        double fontSize = ((Number) page.evaluate(
                        "parseFloat(getComputedStyle(document.querySelector('[data-segment-id] .label')).fontSize)"))
                .doubleValue();
        assertThat(fontSize).isGreaterThanOrEqualTo(18);
        shot(page, "26-projector-1024");
        page.click("button[name=projector]");
        assertThat(page.locator(".inspector")).isVisible();
    }

    @Test
    void shareCopiesOverPlainHttpAndShowsAQrCode() {
        Page page = chromium.open(1400, 900, "en-US");
        // As on a LAN over http: no Clipboard API (not a secure context).
        page.addInitScript("Object.defineProperty(window, 'isSecureContext', { value: false });");
        scenarioLab(page, "three-way-handshake");
        Locator viewer = page.locator("input[name=viewer-link]");
        assertThat(viewer).hasValue(Pattern.compile("^http://localhost:\\d+/labs/[A-Za-z0-9_-]+$"));
        page.click("button[name=copy-viewer-link]");
        assertThat(page.locator(".copy-status")).hasText(Pattern.compile("Copied\\.|The link is selected.*"));
        assertThat(
                        (Boolean)
                                page.evaluate(
                                        "() => { const i = document.querySelector('input[name=viewer-link]'); return i.selectionEnd - i.selectionStart === i.value.length; }"))
                .isTrue();
        page.locator(".qr-details summary").click();
        assertThat(page.locator(".qr-box svg.qr")).isVisible();
        page.locator(".qr-box").scrollIntoViewIfNeeded();
        shot(page, "27-share-qr");
    }

    @Test
    void exportsCarryATitleTheNarrationAndALegend() throws Exception {
        Page page = scenarioLab(chromium.open(1400, 900, "en-US"), "old-duplicate-syn");
        String svg = Files.readString(
                page.waitForDownload(() -> page.click("[data-export=svg]")).path());
        assertThat(svg)
                .startsWith("<svg")
                .contains("TCP Lab — Recovery from an old duplicate SYN")
                .contains("Legend", "zero-window probe", "The server listens on port 80.")
                .contains("data-flags=\"SYN,ACK\"");
        byte[] png = Files.readAllBytes(
                page.waitForDownload(() -> page.click("[data-export=png]")).path());
        Files.write(Browsers.SHOTS.resolve("28-export-old-duplicate.png"), png);
        String mermaid = Files.readString(
                page.waitForDownload(() -> page.click("[data-export=mermaid]")).path());
        List<String> lines = mermaid.lines().toList();
        assertThat(lines.get(1)).isEqualTo("  title TCP Lab — Recovery from an old duplicate SYN");
        // Send order, with the crafted old SYN marked, numbered as the view numbers.
        List<String> messages =
                lines.stream().filter(l -> l.matches("  \\w+-.*")).toList();
        assertThat(messages.get(0)).startsWith("  client->>server: SYN seq=100");
        assertThat(messages.get(1)).startsWith("  client-->>server: [crafted] SYN seq=90");
    }

    @Test
    void aSegmentInFlightRunsAlongItsFinalSlopeAndTheLifelinesStayPut() {
        // A step clock: time moves only on Advance, so "in flight" lasts as long as the test needs.
        Rest r = rest();
        Rest.Lab lab = r.createLab(Map.of("mode", "sim", "clock", "step", "link", Map.of("latencyMs", 300)));
        r.post(lab, "/listen", Map.of("host", "server", "port", 80));
        Page page = chromium.open(1024, 768, "en-US");
        page.navigate(r.base() + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(page.locator(".status[data-status=live]")).hasCount(1);
        // Zoomed out, so the whole handshake stays in view while the diagram follows it.
        page.evaluate("() => { const z = document.querySelector('input[name=zoom]'); z.value = '0.5';"
                + " z.dispatchEvent(new Event('input')); }");
        String server = "document.querySelector('.lifeline[data-host=server]').getAttribute('x1')";
        Object before = page.evaluate(server);
        r.post(lab, "/connections", Map.of("from", "client", "localPort", 40000, "remotePort", 80));
        Locator syn = page.locator("[data-segment-id='1']");
        assertThat(syn).hasAttribute("data-fate", "in-flight");
        page.fill("input[name=advance-ms]", "150");
        page.click("button[name=advance]");
        // Half way after half the latency, along the slope it will have when it arrives.
        page.waitForFunction("() => { const l = document.querySelector('[data-segment-id=\"1\"] .shaft');"
                + " return l && Number(l.getAttribute('x2')) - Number(l.getAttribute('x1')) > 150; }");
        String slope = "g => { const l = g.querySelector('.shaft'); const v = (a) => Number(l.getAttribute(a));"
                + " return (v('y2') - v('y1')) / (v('x2') - v('x1')); }";
        double flying = ((Number) syn.evaluate(slope)).doubleValue();
        page.evaluate("window.scrollTo(0, 0)");
        shot(page, "33-in-flight");
        page.click("button[name=advance]");
        assertThat(syn).hasAttribute("data-fate", "delivered");
        double landed = ((Number) syn.evaluate(slope)).doubleValue();
        assertThat(flying).isCloseTo(landed, org.assertj.core.data.Percentage.withPercentage(10));
        // No idle band is drawn across a segment in flight.
        assertThat((Boolean) page.evaluate("() => { const l = document.querySelector('[data-segment-id=\"1\"] .shaft');"
                        + " const y1 = Number(l.getAttribute('y1')), y2 = Number(l.getAttribute('y2'));"
                        + " return [...document.querySelectorAll('.idle-break line')].every((b) => {"
                        + " const y = Number(b.getAttribute('y1')); return y < y1 || y > y2; }); }"))
                .isTrue();
        assertThat(page.evaluate(server)).isEqualTo(before);
        page.evaluate("window.scrollTo(0, 0)");
        shot(page, "34-landed");
    }

    @Test
    void aDeletedLabStopsTheViewerWhoSaysItIsGone() {
        Rest r = rest();
        Rest.Lab lab = scenarioLab("three-way-handshake");
        Page viewer = chromium.open(390, 844, "zh-CN");
        viewer.navigate(r.base() + "/labs/" + lab.id());
        assertThat(viewer.locator(".status[data-status=live]")).hasCount(1);
        r.send("DELETE", "/api/labs/" + lab.id(), lab.token(), null);
        assertThat(viewer.locator(".status")).hasAttribute("data-status", "gone");
        assertThat(viewer.locator(".gone h2")).hasText("这个实验已不存在");
        assertThat(viewer.locator(".gone a[href='/']")).isVisible();
        shot(viewer, "29-gone-zh-390");
    }
}
