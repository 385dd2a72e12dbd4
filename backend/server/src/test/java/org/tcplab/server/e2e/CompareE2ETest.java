package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The start page opens a scenario beside its companion; the two diagrams scroll together. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(120)
class CompareE2ETest {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    @Test
    void threeWayBesideFourWayScrolledTogether() {
        for (String locale : new String[] {"en-US", "zh-CN"}) {
            Page page = chromium.open(1400, 500, locale);
            page.navigate("http://localhost:" + port + "/");
            page.locator("[data-scenario=three-way-handshake] [data-compare]").click();
            page.waitForURL("**/compare/**");
            assertThat(page.locator(".compare-side")).hasCount(2);
            assertThat(page.locator(".compare-side").nth(0).locator("[data-segment-id]"))
                    .hasCount(5);
            assertThat(page.locator(".compare-side").nth(1).locator("[data-segment-id]"))
                    .hasCount(4);
            assertThat(page.locator(".compare-side").nth(1).locator("h2").first())
                    .hasText(
                            locale.startsWith("zh")
                                    ? "四次握手：为什么要把 SYN 和 ACK 合并？"
                                    : "Four-way handshake: why merge SYN and ACK?");
            assertThat(page.locator(".compare-side").nth(1).locator(".narration"))
                    .isVisible();
            page.locator(".compare-side").nth(0).locator(".diagram-scroll").evaluate("s => s.scrollTop = 120");
            // The other pane follows to the same height, or as far as its own content goes.
            page.waitForFunction(
                    """
                    () => {
                      const [a, b] = document.querySelectorAll('.compare-side .diagram-scroll');
                      const max = b.scrollHeight - b.clientHeight;
                      return a.scrollTop > 0 && max > 0 && Math.abs(b.scrollTop - Math.min(a.scrollTop, max)) <= 1;
                    }
                    """);
            Browsers.shot(page, "64-compare-" + (locale.startsWith("zh") ? "zh" : "en"));
            page.context().close();
        }
    }
}
