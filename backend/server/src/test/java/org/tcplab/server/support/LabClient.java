package org.tcplab.server.support;

import java.util.List;
import java.util.Map;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
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
        return created(tryCreate(body));
    }

    /** {@code POST /api/labs} with no expectation, for tests of what it refuses. */
    public WebTestClient.ResponseSpec tryCreate(Object body) {
        return postJson("/api/labs", body);
    }

    /** A lab made for scenario {@code name} and running it ({@code POST /api/scenarios/{name}/labs}). */
    public Created createForScenario(String name) {
        return createForScenario(name, Map.of());
    }

    /** As {@link #createForScenario(String)}, with the lab's settings. */
    public Created createForScenario(String name, Map<String, Object> body) {
        return created(postJson("/api/scenarios/" + name + "/labs", body));
    }

    private WebTestClient.ResponseSpec postJson(String uri, Object body) {
        return web.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private static Created created(WebTestClient.ResponseSpec response) {
        Map<String, Object> out = response.expectStatus()
                .isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
        return new Created((String) out.get("id"), (String) out.get("token"));
    }

    /** {@code POST /api/labs/{id}{path}} with the lab's token and a JSON body. */
    public WebTestClient.ResponseSpec post(Created lab, String path, Object body) {
        return withJson(HttpMethod.POST, lab, path, body);
    }

    /** {@code POST /api/labs/{id}{path}} with the lab's token and no body at all. */
    public WebTestClient.ResponseSpec post(Created lab, String path) {
        return withToken(HttpMethod.POST, lab, path).exchange();
    }

    /** {@code PATCH /api/labs/{id}{path}} with the lab's token and a JSON body. */
    public WebTestClient.ResponseSpec patch(Created lab, String path, Object body) {
        return withJson(HttpMethod.PATCH, lab, path, body);
    }

    /** {@code DELETE /api/labs/{id}{path}} with the lab's token ({@code ""} deletes the lab). */
    public WebTestClient.ResponseSpec delete(Created lab, String path) {
        return withToken(HttpMethod.DELETE, lab, path).exchange();
    }

    private WebTestClient.ResponseSpec withJson(HttpMethod method, Created lab, String path, Object body) {
        return withToken(method, lab, path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private WebTestClient.RequestBodySpec withToken(HttpMethod method, Created lab, String path) {
        return web.method(method).uri("/api/labs/" + lab.id() + path).headers(h -> h.setBearerAuth(lab.token()));
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
