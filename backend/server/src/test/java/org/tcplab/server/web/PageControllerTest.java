package org.tcplab.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class PageControllerTest {

    @Autowired
    WebTestClient web;

    private String page(String path, String language) {
        return web.get()
                .uri(path)
                .header("Accept-Language", language)
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void theViewerLinkHandsTheAppItsLabIdAsJson() {
        String html = page("/labs/AbC_-123", "en");
        assertThat(html).contains("<script id=\"tcplab-settings\" type=\"application/json\">");
        assertThat(html).contains("\"labId\":\"AbC_-123\"", "\"apiBase\":\"/api\"", "\"tapAvailable\":false");
        // Where viewers reach the server (tcplab.public-url is unset here: the request's own host).
        assertThat(html).containsPattern("\"publicBase\":\"http://localhost:\\d+\"");
        assertThat(html).contains("/app/app.js", "/app/app.css");
        // The bundle's version from the frontend jar, also on the asset URLs (cache busting).
        assertThat(html)
                .containsPattern("\"version\":\"(\\d+\\.\\d+\\.\\d+[^\"]*)\"")
                .containsPattern("/app/app\\.js\\?v=\\d+\\.\\d+\\.\\d+");
    }

    @Test
    void theStartPageHasNoLabAndFollowsTheBrowserLanguage() {
        String html = page("/", "zh-CN,zh;q=0.9");
        assertThat(html).contains("\"labId\":null", "\"defaultLocale\":\"zh-CN\"", "lang=\"zh-CN\"");
        // tap is off by default; the page says why instead of just greying it out.
        assertThat(html).contains("tcplab.tap.enabled=false");
    }

    @Test
    void aPathThatCannotBeALabIdIsNotFound() {
        web.get().uri("/labs/has.dot").exchange().expectStatus().isNotFound();
    }

    @Test
    void theBundleIsServedFromTheFrontendJar() {
        web.get()
                .uri("/app/app.js")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(js -> assertThat(js).contains("tcplab-settings"));
    }

    @Test
    void settingsJsonCannotCloseTheScriptElement() {
        assertThat(PageController.scriptSafe("{\"x\":\"</script><!--\"}"))
                .doesNotContain("</script>")
                .doesNotContain("<!--");
    }
}
