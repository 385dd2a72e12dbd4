package org.tcplab.server.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The handout ({@code /labs/{lab}/handout}) of a lab that ran the three-way handshake, in English
 * and Chinese, printed by Chromium ({@code page.pdf}) on A4 and Letter: PDFBox reads back the
 * page size, the diagram's arrow labels, the numbered narration and the header table, and renders
 * page 1 for a person to look at. A lab that does not exist is a 404 page; the handout follows the
 * lab page's access rule (the id reads; the token never appears); axe checks it and the comparison view.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(240)
class HandoutE2ETest {

    @RegisterExtension
    static final BrowserExtension chromium = new BrowserExtension();

    @LocalServerPort
    int port;

    private Rest.Lab scenarioLab(String scenario) {
        return new Rest(port).scenarioLab(scenario);
    }

    private Page handout(Rest.Lab lab, String query, int width, int height, String locale) {
        Page page = chromium.open(width, height, locale);
        page.navigate("http://localhost:" + port + "/labs/" + lab.id() + "/handout" + query);
        assertThat(page.locator("#handout[data-status=ready]")).hasCount(1);
        return page;
    }

    /** Text without any white space, so a line break in the PDF does not matter. */
    private static String squeeze(String s) {
        return s.replaceAll("\\s+", "");
    }

    @Test
    void printsTheDiagramNarrationHeaderAndVerdictOnA4AndLetter() throws Exception {
        Rest.Lab lab = scenarioLab("three-way-handshake");
        for (String lang : List.of("en", "zh")) {
            Page page = handout(lab, "?lang=" + lang, 1024, 768, lang.equals("zh") ? "zh-CN" : "en-US");
            assertThat(page.locator("html")).hasAttribute("lang", lang.equals("zh") ? "zh-CN" : "en");
            assertThat(page.locator(".handout-band-block svg[role=img]")).not().hasCount(0);
            assertThat(page.locator(".handout-diagram [data-segment-id]")).hasCount(5);
            assertThat(page.locator(".handout-diagram [data-flags='SYN']")).hasCount(1);
            assertThat(page.locator(".handout-diagram [data-flags='SYN,ACK']")).hasCount(1);
            List<String> narration = page.locator(".handout-narration li").allTextContents();
            assertThat(narration).hasSizeGreaterThanOrEqualTo(3);
            // The header table of the default segment: the SYN-ACK, every field of the inspector.
            assertThat(page.locator(".handout-segment .bits [data-name=flagSYN]"))
                    .hasAttribute("aria-label", "SYN: 1");
            assertThat(page.locator(".handout-segment .bits [data-name=flagACK]"))
                    .hasAttribute("aria-label", "ACK: 1");
            assertThat(page.locator(".handout-segment .hex .byte").first()).isVisible();
            assertThat(page.locator(".handout-diagram [data-flags='SYN,ACK'].selected"))
                    .hasCount(1);
            assertThat(page.locator(".handout-verdict .verdict-result.passed")).isVisible();
            assertThat(page.locator(".handout-title")).containsText(lab.id());
            if (lang.equals("zh")) {
                assertThat(page.locator(".handout-title h1")).containsText("讲义");
                assertThat(narration.get(0)).containsPattern("\\p{IsHan}");
            }
            page.screenshot(new Page.ScreenshotOptions()
                    .setFullPage(true)
                    .setPath(Browsers.SHOTS.resolve("70-handout-" + lang + "-1024.png")));
            List<String> labels =
                    page.locator(".handout-diagram [data-segment-id] .label").allTextContents();
            assertThat(labels).isNotEmpty();

            for (String paper : List.of("a4", "letter")) {
                if (paper.equals("letter")) {
                    page.context().close();
                    page = handout(lab, "?lang=" + lang + "&paper=letter", 1024, 768, "en-US");
                }
                byte[] pdf = page.pdf(
                        new Page.PdfOptions().setPreferCSSPageSize(true).setPrintBackground(true));
                try (PDDocument doc = Loader.loadPDF(pdf)) {
                    int pages = doc.getNumberOfPages();
                    System.out.printf("HANDOUT %s %s: %d pages, %d bytes%n", lang, paper, pages, pdf.length);
                    assertThat(pages)
                            .as("pages of the %s %s handout", lang, paper)
                            .isBetween(1, 6);
                    PDRectangle size = doc.getPage(0).getMediaBox();
                    if (paper.equals("a4")) {
                        assertThat(size.getWidth()).isCloseTo(595f, org.assertj.core.data.Offset.offset(2f));
                        assertThat(size.getHeight()).isCloseTo(842f, org.assertj.core.data.Offset.offset(2f));
                    } else {
                        assertThat(size.getWidth()).isCloseTo(612f, org.assertj.core.data.Offset.offset(2f));
                        assertThat(size.getHeight()).isCloseTo(792f, org.assertj.core.data.Offset.offset(2f));
                    }
                    List<String> pageTexts = new ArrayList<>();
                    for (int p = 1; p <= pages; p++) {
                        PDFTextStripper stripper = new PDFTextStripper();
                        stripper.setStartPage(p);
                        stripper.setEndPage(p);
                        pageTexts.add(squeeze(stripper.getText(doc)));
                    }
                    String all = String.join("", pageTexts);
                    // The diagram: every arrow label, all of them on one page (one band, not split).
                    int diagramPage = -1;
                    for (int p = 0; p < pages && diagramPage < 0; p++)
                        if (pageTexts.get(p).contains(squeeze(labels.get(0)))) diagramPage = p;
                    assertThat(diagramPage)
                            .as("the first arrow's label %s is printed", labels.get(0))
                            .isNotNegative();
                    for (String label : labels)
                        assertThat(pageTexts.get(diagramPage))
                                .as("arrow label on the diagram's page")
                                .contains(squeeze(label));
                    assertThat(pageTexts.get(diagramPage)).contains("SYN", "ACK");
                    // The numbered narration, in the page's language.
                    for (String sentence : narration.subList(0, 3))
                        assertThat(all).contains(squeeze(sentence));
                    assertThat(all).contains(lab.id());
                    // No controls on paper.
                    assertThat(all).doesNotContain(squeeze(lang.equals("zh") ? "打印 / 另存为 PDF" : "Print / save as PDF"));
                    // The PDF and its pages as images, for a person to look at.
                    String name = "71-handout-pdf-" + lang + "-" + paper;
                    Files.write(Browsers.SHOTS.resolve(name + ".pdf"), pdf);
                    PDFRenderer renderer = new PDFRenderer(doc);
                    BufferedImage image = null;
                    for (int p = 0; p < pages; p++) {
                        image = renderer.renderImageWithDPI(p, 80);
                        ImageIO.write(
                                image,
                                "png",
                                Browsers.SHOTS
                                        .resolve(name + "-p" + (p + 1) + ".png")
                                        .toFile());
                    }
                    // Paper stays white below the content: the app's grey page background is not printed.
                    int below = image.getRGB(image.getWidth() / 2, image.getHeight() - 80);
                    assertThat(below & 0xffffff).as("bottom of the last page").isEqualTo(0xffffff);
                }
            }
            page.context().close();
        }
    }

    @Test
    void aChosenSegmentAndAPhoneWidth() throws IOException {
        Rest.Lab lab = scenarioLab("three-way-handshake");
        long synEvent = new Rest(port)
                .events(lab).stream()
                        .filter(e -> e.path("type").asString().equals("segment.sent"))
                        .findFirst()
                        .orElseThrow()
                        .path("id")
                        .asLong();
        Page page = handout(lab, "?lang=en&segment=" + synEvent, 390, 844, "en-US");
        assertThat(page.locator(".handout-segment .inspector")).hasAttribute("data-event-id", String.valueOf(synEvent));
        assertThat(page.locator(".handout-segment .bits [data-name=flagACK]")).hasAttribute("aria-label", "ACK: 0");
        assertThat(page.locator(".handout-diagram .selected")).hasAttribute("data-flags", "SYN");
        // Nothing wider than the phone.
        assertThat((Boolean) page.evaluate("() => document.documentElement.scrollWidth <= innerWidth"))
                .isTrue();
        Browsers.shot(page, "72-handout-en-390");
        Axe.check(page, null, "handout-en-390");
        page.context().close();
        // A segment id that is no segment: the default one, and a note saying so.
        page = handout(lab, "?lang=zh&segment=999999", 1024, 768, "zh-CN");
        assertThat(page.locator("[data-missing-segment='999999']")).isVisible();
        Axe.check(page, null, "handout-zh-1024");
        page.context().close();
    }

    /** A GET as a browser makes it (HTML first), with an Accept-Language and, if given, a token. */
    private HttpResponse<String> browserGet(String path, String language, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                .header("Accept-Language", language);
        if (token != null) b.header("Authorization", "Bearer " + token);
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aMissingLabIsANotFoundPageInTheReadersLanguage() throws Exception {
        HttpResponse<String> en = browserGet("/labs/NoSuchLab123/handout", "en-US", null);
        assertThat(en.statusCode()).isEqualTo(404);
        assertThat(en.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(en.body()).contains("No such lab", "NoSuchLab123", "lang=\"en\"");
        // The browser's language by default, as the start page follows it.
        HttpResponse<String> zh = browserGet("/labs/NoSuchLab123/handout", "zh-CN,zh;q=0.9", null);
        assertThat(zh.statusCode()).isEqualTo(404);
        assertThat(zh.body()).contains("没有这个实验", "lang=\"zh-CN\"");
        // A path that cannot be a lab id is not echoed.
        HttpResponse<String> odd = browserGet("/labs/has.dot/handout", "en", null);
        assertThat(odd.statusCode()).isEqualTo(404);
        // Bad parameters are refused naming the field, as everywhere in the API.
        HttpResponse<String> paper = browserGet("/labs/NoSuchLab123/handout?paper=a5", "en", null);
        assertThat(paper.statusCode()).isEqualTo(400);
        assertThat(paper.body()).contains("\"field\":\"paper\"");
        assertThat(browserGet("/labs/x/handout?segment=-1", "en", null).statusCode())
                .isEqualTo(400);
        assertThat(browserGet("/labs/x/handout?lang=fr", "en", null).statusCode())
                .isEqualTo(400);
    }

    @Test
    void theHandoutReadsAsTheViewerLinkDoesAndNeverShowsTheToken() throws Exception {
        Rest rest = new Rest(port);
        Rest.Lab lab = scenarioLab("three-way-handshake");
        // The lab page reads with the id alone (lab-api.md, Access); so does its handout.
        HttpResponse<String> page = browserGet("/labs/" + lab.id() + "/handout", "en", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(lab.id()).doesNotContain(lab.token());
        // A driver's token adds nothing to it either.
        HttpResponse<String> driver = browserGet("/labs/" + lab.id() + "/handout", "en", lab.token());
        assertThat(driver.body()).doesNotContain(lab.token());
        // Once the lab is deleted, the handout is gone with it.
        rest.send("DELETE", "/api/labs/" + lab.id(), lab.token(), null);
        assertThat(browserGet("/labs/" + lab.id() + "/handout", "en", null).statusCode())
                .isEqualTo(404);
    }

    @Test
    void theLabPageLinksItsHandoutInThePagesLanguage() {
        Rest.Lab lab = scenarioLab("three-way-handshake");
        Page page = chromium.open(1400, 900, "zh-CN");
        page.navigate("http://localhost:" + port + "/labs/" + lab.id() + "#token=" + lab.token());
        assertThat(page.locator("[data-segment-id]")).hasCount(5);
        var link = page.locator("[data-export=handout]");
        assertThat(link).hasText("讲义");
        Page handout = page.waitForPopup(link::click);
        handout.waitForURL("**/labs/" + lab.id() + "/handout?lang=zh");
        assertThat(handout.locator("#handout[data-status=ready]")).hasCount(1);
        assertThat(handout.locator("html")).hasAttribute("lang", "zh-CN");
        // The driver's token stays with the lab page.
        assertThat(handout.url()).doesNotContain(lab.token());
        page.context().close();
    }

    @Test
    void theComparisonViewAndItsHandoutLinksPassAxe() throws IOException {
        Rest.Lab three = scenarioLab("three-way-handshake");
        Rest.Lab four = scenarioLab("four-way-handshake");
        for (String locale : List.of("en-US", "zh-CN")) {
            Page page = chromium.open(1400, 900, locale);
            page.navigate("http://localhost:" + port + "/compare/" + three.id() + "/" + four.id());
            assertThat(page.locator(".compare-side").nth(1).locator("[data-segment-id]"))
                    .hasCount(4);
            assertThat(page.locator(".compare-side [data-export=handout]")).hasCount(2);
            assertThat(page.locator(".compare-side [data-export=handout]").first())
                    .hasAttribute(
                            "href",
                            java.util.regex.Pattern.compile("/labs/" + three.id() + "/handout\\?lang="
                                    + (locale.startsWith("zh") ? "zh" : "en")));
            Axe.check(page, null, "compare-" + locale);
            // Two diagrams on one page: every id that names or describes something is there once.
            assertThat(
                            (Boolean)
                                    page.evaluate(
                                            """
                            () => [...document.querySelectorAll('[aria-labelledby], [aria-describedby]')]
                              .flatMap(e => `${e.getAttribute('aria-labelledby') ?? ''} ${e.getAttribute('aria-describedby') ?? ''}`.split(/\\s+/))
                              .filter(Boolean)
                              .every(id => document.querySelectorAll(`[id="${id}"]`).length === 1)
                            """))
                    .as("ids referenced by aria-labelledby / aria-describedby are unique")
                    .isTrue();
            page.context().close();
        }
    }
}
