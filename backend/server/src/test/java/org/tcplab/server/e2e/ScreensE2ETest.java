package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The pages on a projector (1400x900, 1024x768) and a phone (390x844), in English and Chinese:
 * both lifelines fit with no sideways scrolling, nothing is clipped, the Chinese page shows no
 * untranslated English, and axe-core (from frontend/node_modules, the npm devDependency) finds no
 * serious or critical WCAG violation on the start page or a lab page. Screenshots of each.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(240)
class ScreensE2ETest {

    private static final int[][] SIZES = {{1400, 900}, {1024, 768}, {390, 844}};

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private Rest.Lab scenarioLab(String scenario) {
        return new Rest(port).scenarioLab(scenario);
    }

    private static void shot(Page page, String name) {
        Browsers.shot(page, name);
    }

    @Test
    void everySizeAndLanguageFitsTheLifelinesAndClipsNothing() {
        Rest.Lab lab = scenarioLab("three-way-handshake");
        for (int[] size : SIZES) {
            for (String lang : List.of("en", "zh")) {
                String tag = size[0] + "x" + size[1] + "-" + lang;
                Page page = chromium.open(size[0], size[1], lang.equals("zh") ? "zh-CN" : "en-US");
                page.navigate("http://localhost:" + port + "/labs/" + lab.id() + "#token=" + lab.token());
                assertThat(page.locator(".status[data-status=live]")).hasCount(1);
                assertThat(page.locator("[data-segment-id]")).hasCount(5);
                assertThat(page.locator("html")).hasAttribute("lang", lang.equals("zh") ? "zh-CN" : "en");
                shot(page, "30-lab-" + tag);
                assertFits(page, tag);
                if (lang.equals("zh")) assertNoEnglish(page, tag);
                // The inspector, reflowed under the diagram on narrow screens; the SYN,ACK picked
                // with the keyboard (Home, then down).
                page.locator(".diagram-scroll").focus();
                page.keyboard().press("Home");
                page.keyboard().press("ArrowDown");
                assertThat(page.locator(".inspector .seg-title")).containsText("#2");
                page.locator(".inspector").scrollIntoViewIfNeeded();
                assertThat(page.locator(".inspector [data-note=dataOffset]"))
                        .hasText(Pattern.compile(
                                lang.equals("zh")
                                        ? "数据偏移 \\d+ × 4 = \\d+ 字节.*"
                                        : "Data Offset \\d+ × 4 = \\d+ bytes.*"));
                shot(page, "31-inspector-" + tag);
                page.context().close();

                Page start = chromium.open(size[0], size[1], lang.equals("zh") ? "zh-CN" : "en-US");
                start.navigate("http://localhost:" + port + "/");
                assertThat(start.locator("[data-group=handshake] li").first())
                        .hasClass(Pattern.compile(".*begin-here.*"));
                assertThat(start.locator(".library .group")).hasCount(5);
                if (lang.equals("zh")) assertNoEnglish(start, "start-" + tag);
                shot(start, "32-start-" + tag);
                start.context().close();
            }
        }
    }

    /** Both heads inside the pane, no sideways scrolling, every diagram text inside the SVG. */
    private static void assertFits(Page page, String tag) {
        @SuppressWarnings("unchecked")
        Map<String, Object> fit = (Map<String, Object>)
                page.evaluate(
                        """
                () => {
                  const s = document.querySelector('.diagram-scroll');
                  const pane = s.getBoundingClientRect();
                  const heads = [...document.querySelectorAll('.host-head rect')].map((r) => r.getBoundingClientRect());
                  const svg = document.querySelector('.diagram-body').getBoundingClientRect();
                  const clipped = [...document.querySelectorAll('.diagram-body text')]
                    .filter((t) => { const b = t.getBoundingClientRect(); return b.width > 0 && (b.left < svg.left - 1 || b.right > svg.right + 1); })
                    .map((t) => t.textContent);
                  return {
                    sideways: s.scrollWidth - s.clientWidth,
                    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                    wide: [...document.querySelectorAll('body *')]
                      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                      .slice(-5).map((e) => e.tagName + '.' + e.className + '[' + (e.getAttribute('name') ?? '') + '] ' + Math.round(e.getBoundingClientRect().right)),
                    heads: heads.length,
                    headsInside: heads.every((b) => b.left >= pane.left - 1 && b.right <= pane.right + 1),
                    clipped,
                  };
                }
                """);
        assertThat(((Number) fit.get("sideways")).intValue())
                .as(tag + " diagram scrolls sideways")
                .isLessThanOrEqualTo(0);
        assertThat(((Number) fit.get("page")).intValue())
                .as(tag + " page scrolls sideways: " + fit.get("wide"))
                .isLessThanOrEqualTo(0);
        assertThat(((Number) fit.get("heads")).intValue()).isEqualTo(2);
        assertThat((Boolean) fit.get("headsInside"))
                .as(tag + " both lifeline heads in view")
                .isTrue();
        assertThat((List<?>) fit.get("clipped")).as(tag + " clipped texts").isEmpty();
    }

    /**
     * Visible text of a Chinese page with what may stay in Latin letters taken out (protocol
     * names, state names, numbers, ids, the language switch, scenario text the server sends).
     */
    private static void assertNoEnglish(Page page, String tag) {
        @SuppressWarnings("unchecked")
        List<String> words = (List<String>)
                page.evaluate(
                        """
                () => {
                  const keep = /^(TCP|SYN|ACK|FIN|RST|PSH|URG|CWR|ECE|ISN|RTO|MSS|SACK|SACK_PERM|TS|TSval|TSecr|RFC|IP|TAP|Linux|HTTP|MTU|pcap|SVG|PNG|JSON|Mermaid|English|LISTEN|CLOSED|ESTABLISHED|SYN_SENT|SYN_RECEIVED|FIN_WAIT_\\d|CLOSE_WAIT|CLOSING|LAST_ACK|TIME_WAIT|TIME|WAIT|SENT|RECEIVED|LAST|CLOSE|FIN|DACK|PERSIST|KEEP|MSL|ms|s|B|x|lab|seq|ack|win|len|rel|mss|sackOK|ts|ws|Ctrl|C|P|Home|End|RCV|NXT|SND|UNA|WND|RETX|DUP|CRAFTED|BAD|CSUM|root|tcplab|tap|enabled|true|false|OPEN|CLOSE|SEND|RECEIVE|ABORT|Z|X|A|B|pcapng|tcpdump|dumpcap|Wireshark|macOS)$/;
                  const skip = (el) => el.closest('select[name=lang], .lab-info, .hex, .seg-title, .qr-url, input, .fval, code, .fname, .version');
                  const out = [];
                  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
                    const el = n.parentElement;
                    if (!el || skip(el) || !el.getClientRects().length) continue;
                    if (getComputedStyle(el).visibility === 'hidden') continue;
                    for (const w of n.textContent.match(/[A-Za-z][A-Za-z_]*/g) ?? [])
                      for (const part of w.split('_')) if (part && !keep.test(part) && !keep.test(w)) out.push(w + ' in "' + n.textContent.trim().slice(0, 60) + '"');
                  }
                  return [...new Set(out)];
                }
                """);
        assertThat(words).as(tag + ": English left on the Chinese page").isEmpty();
    }

    @Test
    void axeFindsNoSeriousOrCriticalViolations() throws Exception {
        Rest.Lab lab = scenarioLab("syn-ack-lost");
        String labUrl = "http://localhost:" + port + "/labs/" + lab.id() + "#token=" + lab.token();
        record Case(String name, String url, int w, int h, String locale) {}
        List<Case> cases = List.of(
                new Case("start-en-1400", "http://localhost:" + port + "/", 1400, 900, "en-US"),
                new Case("start-zh-390", "http://localhost:" + port + "/", 390, 844, "zh-CN"),
                new Case("lab-en-1400", labUrl, 1400, 900, "en-US"),
                new Case("lab-zh-1024", labUrl, 1024, 768, "zh-CN"),
                new Case("viewer-en-390", "http://localhost:" + port + "/labs/" + lab.id(), 390, 844, "en-US"));
        for (Case c : cases) {
            Page page = chromium.open(c.w(), c.h(), c.locale());
            page.navigate(c.url());
            if (c.url().contains("/labs/")) {
                assertThat(page.locator(".status[data-status=live]")).hasCount(1);
                assertThat(page.locator("[data-segment-id]")).hasCount(7);
                // With a segment selected, so the inspector's header table is checked too. The last
                // one: a live diagram follows the newest arrow, so early ones may sit under its head.
                page.locator("[data-segment-id]")
                        .last()
                        .locator(".hit")
                        .click(new com.microsoft.playwright.Locator.ClickOptions().setForce(true));
                assertThat(page.locator(".inspector .bits")).isVisible();
            } else {
                assertThat(page.locator(".library .group").first()).isVisible();
            }
            Axe.check(page, null, c.name());
            page.context().close();
        }
    }
}
