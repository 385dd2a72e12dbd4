package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/** The scenario endpoints on the real engine and the real catalog. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ScenarioControllerTest {

    @Autowired
    WebTestClient web;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    List<Map<String, Object>> catalog(String language) {
        return web.get()
                .uri("/api/scenarios")
                .header(HttpHeaders.ACCEPT_LANGUAGE, language)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }

    @Test
    void catalogInEnglishAndChinese() {
        Map<String, Object> en = catalog("en").stream()
                .filter(s -> "old-duplicate-syn".equals(s.get("name")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> zh = catalog("zh-CN,zh;q=0.9").stream()
                .filter(s -> "old-duplicate-syn".equals(s.get("name")))
                .findFirst()
                .orElseThrow();
        assertThat(en.get("title")).isEqualTo("Recovery from an old duplicate SYN");
        assertThat((String) zh.get("title")).contains("SYN").isNotEqualTo(en.get("title"));
        assertThat((List<Map<String, Object>>) en.get("params"))
                .extracting(p -> p.get("name"))
                .contains("clientIsn", "oldIsn");
    }

    @Test
    void oldDuplicateSynRunsInALabAndPasses() {
        Created lab = api.create(Map.of("seed", 1));
        api.post(lab, "/scenarios/old-duplicate-syn", Map.of("params", Map.of()))
                .expectStatus()
                .isAccepted()
                .expectBody()
                .jsonPath("$.scenario")
                .isEqualTo("old-duplicate-syn");
        List<Map<String, Object>> events = api.events(lab, 0);
        assertThat(events).anySatisfy(e -> assertThat(e).containsEntry("type", "narration"));
        assertThat(events).anySatisfy(e -> assertThat(e)
                .containsEntry("type", "segment.sent")
                .satisfies(x -> assertThat((List<String>) ((Map<String, Object>) x.get("segment")).get("flags"))
                        .contains("RST")));
        Map<String, Object> scenario = (Map<String, Object>) api.snapshot(lab).get("scenario");
        assertThat(scenario).containsEntry("name", "old-duplicate-syn").containsEntry("running", false);
        Map<String, Object> verdict = (Map<String, Object>) scenario.get("verdict");
        assertThat(verdict.get("mismatches")).isEqualTo(List.of());
        assertThat(verdict).containsEntry("passed", true);
    }

    @Test
    void refusals() {
        Created lab = api.create(Map.of());
        api.post(lab, "/scenarios/no-such-thing", Map.of()).expectStatus().isNotFound();
        api.post(lab, "/scenarios/old-duplicate-syn", Map.of("params", Map.of("nonsense", 1)))
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .value(f -> assertThat((String) f).startsWith("params"));
        web.post()
                .uri("/api/labs/" + lab.id() + "/scenarios/old-duplicate-syn")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isUnauthorized();
        assertThat(api.snapshot(lab).get("eventCount")).isEqualTo(0);
        // A scenario that needs other TCP settings than the lab's: 409, and the fitting lab in one step.
        api.post(lab, "/scenarios/zero-window", Map.of()).expectStatus().isEqualTo(409);
        web.post()
                .uri("/api/scenarios/zero-window/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.token")
                .isNotEmpty()
                .jsonPath("$.scenario")
                .isEqualTo("zero-window");
    }
}
