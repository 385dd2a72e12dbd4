package org.tcplab.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The browser tests' own REST client for setting labs up. HTTP/1.1 as the browser uses here (the
 * JDK client's default HTTP/2 tries an h2c upgrade this server does not offer); timeouts turn any
 * stall into a failure naming the request.
 */
final class Rest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    record Lab(String id, String token) {}

    private final int port;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Rest(int port) {
        this.port = port;
    }

    String base() {
        return "http://localhost:" + port;
    }

    Lab createLab(Map<String, Object> request) {
        JsonNode body = send("POST", "/api/labs", null, request);
        return new Lab(body.path("id").asString(), body.path("token").asString());
    }

    /** A lab set up for a scenario and already running it (the server's one-step extension). */
    Lab scenarioLab(String scenario) {
        JsonNode body = send("POST", "/api/scenarios/" + scenario + "/labs", null, Map.of());
        return new Lab(body.path("id").asString(), body.path("token").asString());
    }

    JsonNode post(Lab lab, String path, Object body) {
        return send("POST", "/api/labs/" + lab.id() + path, lab.token(), body);
    }

    JsonNode get(String path) {
        return send("GET", path, null, null);
    }

    String raw(String path) {
        return sendRaw("GET", path, null, null).body();
    }

    String firstConnection(Lab lab) {
        return get("/api/labs/" + lab.id())
                .path("connections")
                .get(0)
                .path("id")
                .asString();
    }

    List<JsonNode> events(Lab lab) {
        JsonNode list = get("/api/labs/" + lab.id() + "/events?after=0");
        return StreamSupport.stream(list.spliterator(), false).toList();
    }

    JsonNode send(String method, String path, String token, Object body) {
        HttpResponse<String> r = sendRaw(method, path, token, body);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isBetween(200, 299);
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    HttpResponse<String> sendRaw(String method, String path, String token, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                    .timeout(Duration.ofSeconds(120))
                    .header("Accept", "application/json");
            if (token != null) b.header("Authorization", "Bearer " + token);
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }
}
