package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Bring your own capture, as a student does it: a pcapng file picked on the start page, the list
 * of its conversations, one opened on the diagram with its arrows, inferred states, narration and
 * the RFC verdict; in English and Chinese, on a projector-sized window and on a phone. Screenshots
 * land in target/screenshots/ (capture-*.png) for a human to look at.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=1000")
@Timeout(180)
class CapturePageE2ETest {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    /** Three recordings in one pcapng file (a pcapng file may hold several sections): three conversations. */
    static Path threeConversations(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String name : List.of("linux-refused", "linux-syn-ack-lost", "linux-simultaneous-close")) {
            try (InputStream in = CapturePageE2ETest.class.getResourceAsStream("/captures/" + name + ".pcapng")) {
                out.writeBytes(in.readAllBytes());
            }
        }
        Path file = dir.resolve("three-conversations.pcapng");
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void aCaptureUploadedOnTheStartPageOpensAsADiagramWithInferredStates(@TempDir Path dir) throws IOException {
        Path file = threeConversations(dir);
        try (BrowserContext context = chromium.browser()
                .newContext(new Browser.NewContextOptions()
                        .setViewportSize(1400, 900)
                        .setLocale("en-US"))) {
            context.setDefaultTimeout(20_000);
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/");
            assertThat(page.locator(".capture-upload h2")).hasText("Bring your own capture");
            assertThat(page.locator(".capture-howto")).containsText("tcpdump -i any -w hs.pcap port 80");
            page.setInputFiles("input[name=capture-file]", file);
            Locator conversations = page.locator(".capture-upload .capture-conversations li[data-lab-id]");
            assertThat(conversations).hasCount(3);
            assertThat(page.locator(".capture-summary")).containsText("three-conversations.pcapng: ");
            assertThat(conversations.nth(0)).containsText("198.51.100.2:40001 → 198.51.100.1:81");
            assertThat(conversations.nth(0)).hasAttribute("data-complete", "false");
            assertThat(conversations.nth(2)).hasAttribute("data-complete", "true");
            assertThat(page.locator(".capture-samples li[data-sample]")).hasCount(4);
            page.locator(".capture-upload").scrollIntoViewIfNeeded();
            shot(page, "capture-01-start-en-1400");

            // The simultaneous close: both sides pass through CLOSING, inferred.
            conversations.nth(2).locator("a[data-open-lab]").click();
            page.waitForURL(Pattern.compile(".*/labs/.*"));
            Locator arrows = page.locator("[data-segment-id]");
            assertThat(arrows).hasCount(7);
            assertThat(arrows.nth(0)).hasAttribute("data-flags", "SYN");
            assertThat(page.locator("[data-host=client][data-state=CLOSING][data-inferred=true]"))
                    .hasCount(1);
            assertThat(page.locator("[data-host=server][data-state=CLOSING][data-inferred=true]"))
                    .hasCount(1);
            assertThat(page.locator("[data-host=server][data-state=LISTEN] title"))
                    .hasText(Pattern.compile("LISTEN — .*, Linux LISTEN \\(inferred from the capture\\).*"));
            assertThat(page.locator(".capture-info")).containsText("conversation 3");
            assertThat(page.locator(".capture-info .capture-conversations li")).hasCount(3);
            assertThat(page.locator(".verdict .verdict-result")).hasClass(Pattern.compile(".*pass.*"));
            assertThat(page.locator("section.panel.narration")).isVisible();
            assertThat(page.locator("button[name=connect]")).hasCount(0); // read-only: no controls
            shot(page, "capture-02-lab-en-1400");

            page.selectOption("select[name=lang]", "zh-CN");
            assertThat(page.locator(".capture-info h2")).hasText("抓包");
            assertThat(page.locator(".verdict h2")).containsText("使用抓包中的 ISN");
            assertThat(page.locator("section.panel.narration .narration-text")).containsText("抓包");
            shot(page, "capture-03-lab-zh-1400");
        }
    }

    @Test
    void onAPhoneInChinese(@TempDir Path dir) throws IOException {
        Path file = threeConversations(dir);
        try (BrowserContext context = chromium.browser()
                .newContext(new Browser.NewContextOptions()
                        .setViewportSize(390, 844)
                        .setLocale("zh-CN")
                        .setIsMobile(true)
                        .setHasTouch(true))) {
            context.setDefaultTimeout(20_000);
            Page page = context.newPage();
            page.navigate("http://localhost:" + port + "/");
            assertThat(page.locator(".capture-upload h2")).hasText("分析你自己的抓包");
            page.setInputFiles("input[name=capture-file]", file);
            Locator conversations = page.locator(".capture-upload .capture-conversations li[data-lab-id]");
            assertThat(conversations).hasCount(3);
            page.locator(".capture-upload").scrollIntoViewIfNeeded();
            shot(page, "capture-04-start-zh-390");
            conversations.nth(1).locator("a[data-open-lab]").click();
            page.waitForURL(Pattern.compile(".*/labs/.*"));
            // SYN,ACK lost: its first copy ends in a cross; the client's SYN is sent again. The page
            // draws what is in view and follows the log to its end: back to the top to see the loss.
            assertThat(page.locator("[data-segment-id][data-flags='SYN,ACK'][data-retransmission=true]"))
                    .hasCount(1);
            page.locator(".diagram-scroll").evaluate("el => { el.scrollTop = 0; }");
            assertThat(page.locator("[data-segment-id][data-flags='SYN,ACK'][data-fate=lost]"))
                    .hasCount(1);
            assertThat(page.locator("[data-inferred=true]").first()).isAttached();
            shot(page, "capture-05-lab-zh-390");
            page.locator(".capture-info").scrollIntoViewIfNeeded();
            shot(page, "capture-06-lab-zh-390-panel");
        }
    }

    private static void shot(Page page, String name) {
        Browsers.shot(page, name);
    }
}
