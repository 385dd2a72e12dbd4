package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.FakeDriverConfig;
import org.tcplab.server.support.FakeLabDriver;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/** GET /events in pages, as lab-api.md says: after, limit (default and maximum 10,000), Link rel=next. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@Import(FakeDriverConfig.class)
class EventsPagingTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    EntityExchangeResult<List<Map<String, Object>>> get(String uri) {
        return web.get()
                .uri(uri)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult();
    }

    @Test
    void followingTheNextLinkReadsEveryEventOnceInOrder() {
        Created lab = new LabClient(web).create(Map.of());
        FakeLabDriver fake = labs.get(lab.id()).read(v -> (FakeLabDriver) v.driver());
        labs.get(lab.id()).change(d -> {
            for (int i = 0; i < 25; i++) fake.noteAt(d.nowUs() + i, "n" + i);
            return null;
        });
        List<Long> ids = new ArrayList<>();
        String uri = "/api/labs/" + lab.id() + "/events?after=0&limit=10";
        int pages = 0;
        while (uri != null) {
            EntityExchangeResult<List<Map<String, Object>>> page = get(uri);
            page.getResponseBody().forEach(e -> ids.add(((Number) e.get("id")).longValue()));
            String link = page.getResponseHeaders().getFirst(HttpHeaders.LINK);
            if (link != null) {
                assertThat(link).endsWith(">; rel=\"next\"");
                uri = link.substring(1, link.indexOf('>'));
                assertThat(page.getResponseHeaders().getFirst("X-Next-After"))
                        .isEqualTo(Long.toString(ids.get(ids.size() - 1)));
            } else {
                uri = null;
            }
            pages++;
        }
        assertThat(pages).isEqualTo(3);
        assertThat(ids).hasSize(25);
        for (int i = 0; i < 25; i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
        // Without limit: everything (up to 10,000) at once, and no Link.
        EntityExchangeResult<List<Map<String, Object>>> all = get("/api/labs/" + lab.id() + "/events");
        assertThat(all.getResponseBody()).hasSize(25);
        assertThat(all.getResponseHeaders().getFirst(HttpHeaders.LINK)).isNull();
    }

    @Test
    void aLimitOutsideOneTo10000Is400NamingIt() {
        Created lab = new LabClient(web).create(Map.of());
        for (String limit : List.of("0", "10001", "-3")) {
            web.get()
                    .uri("/api/labs/" + lab.id() + "/events?limit=" + limit)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.field")
                    .isEqualTo("limit")
                    .jsonPath("$.detail")
                    .value(d -> assertThat((String) d).contains("1 to 10000", "Link"));
        }
        get("/api/labs/" + lab.id() + "/events?limit=10000");
    }
}
