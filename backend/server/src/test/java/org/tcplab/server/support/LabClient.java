package org.tcplab.server.support;

import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Test shorthand for the lab API. */
public final class LabClient {

    public record Created(String id, String token) {}

    private final WebTestClient web;

    public LabClient(WebTestClient web) {
        this.web = web;
    }

    public Created create(Map<String, Object> body) {
        return createAt("/api/labs", body);
    }

    /** A lab made for scenario {@code name} and running it ({@code POST /api/scenarios/{name}/labs}). */
    public Created createForScenario(String name) {
        return createAt("/api/scenarios/" + name + "/labs", Map.of());
    }

    private Created createAt(String uri, Map<String, Object> body) {
        Map<String, Object> out = web.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
        return new Created((String) out.get("id"), (String) out.get("token"));
    }

    public WebTestClient.ResponseSpec post(Created lab, String path, Object body) {
        return web.post()
                .uri("/api/labs/" + lab.id() + path)
                .headers(h -> h.setBearerAuth(lab.token()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    public Map<String, Object> snapshot(Created lab) {
        return web.get()
                .uri("/api/labs/" + lab.id())
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
    }

    public List<Map<String, Object>> events(Created lab, long after) {
        return web.get()
                .uri("/api/labs/" + lab.id() + "/events?after=" + after)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }
}
