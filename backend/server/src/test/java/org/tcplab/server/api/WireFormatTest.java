package org.tcplab.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON every REST answer has, field by field and in order, with each value's kind: the answers
 * are typed records, and a renamed component, a lost null or an int turned double would change the
 * contract (lab-api.md) and the SPA. The expected shapes are in {@code wire-format.txt}, written
 * from the hand-built maps the records replaced; {@code -Dtcplab.wire.write=true} rewrites it.
 */
// Its own creation window: these labs must not count against the other tests' 127.0.0.1.
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=1000")
@AutoConfigureWebTestClient
class WireFormatTest {

    private static final Path EXPECTED = Path.of("src/test/resources/wire-format.txt");

    @Autowired
    WebTestClient web;

    private final JsonMapper json = JsonMapper.builder().build();
    private final List<String> shapes = new ArrayList<>();

    @Test
    void everyAnswerKeepsItsFieldsTheirOrderAndKinds() throws IOException {
        JsonNode created = call("create", HttpMethod.POST, "/api/labs", null, Map.of("seed", 7, "clock", "step"));
        String lab = created.get("id").asString();
        String token = created.get("token").asString();
        String base = "/api/labs/" + lab;
        call("listen", HttpMethod.POST, base + "/listen", token, Map.of("host", "server", "port", 80));
        JsonNode conn = call("connect", HttpMethod.POST, base + "/connections", token, Map.of("remotePort", 80));
        String c = base + "/connections/" + conn.get("id").asString();
        call("advance", HttpMethod.POST, base + "/advance", token, Map.of("ms", 1000));
        call("connection", HttpMethod.GET, c, null, null);
        call("send", HttpMethod.POST, c + "/send", token, Map.of("text", "hi"));
        call("close", HttpMethod.POST, c + "/close", token, Map.of("side", "client"));
        call("abort", HttpMethod.POST, c + "/abort", token, Map.of("side", "server"));
        call("crash", HttpMethod.POST, base + "/hosts/server/crash", token, null);
        call(
                "inject",
                HttpMethod.POST,
                base + "/inject",
                token,
                Map.of("from", "client", "segment", Map.of("srcPort", 1000, "dstPort", 80, "flags", List.of("SYN"))));
        JsonNode fault = call(
                "fault", HttpMethod.POST, base + "/faults", token, Map.of("action", "drop", "match", Map.of("nth", 2)));
        call("faults", HttpMethod.GET, base + "/faults", null, null);
        call("fault.one", HttpMethod.GET, base + "/faults/" + fault.get("id").asInt(), null, null);
        call("link", HttpMethod.PATCH, base + "/link", token, Map.of("latencyMs", 5));
        call("clock", HttpMethod.PATCH, base + "/clock", token, Map.of("clock", "instant"));
        call("scenario.start", HttpMethod.POST, base + "/scenarios/three-way-handshake", token, Map.of());
        call("snapshot", HttpMethod.GET, base, null, null);
        call("scenario.lab", HttpMethod.POST, "/api/scenarios/three-way-handshake/labs", null, Map.of());
        call("scenarios", HttpMethod.GET, "/api/scenarios", null, null);
        call("capabilities", HttpMethod.GET, "/api/system/capabilities", null, null);

        String actual = String.join("\n", shapes) + "\n";
        if (Boolean.getBoolean("tcplab.wire.write")) {
            Files.writeString(EXPECTED, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(EXPECTED, StandardCharsets.UTF_8));
    }

    private JsonNode call(String name, HttpMethod method, String uri, String token, Object body) {
        WebTestClient.RequestBodySpec request = web.method(method).uri(uri).headers(h -> {
            if (token != null) h.setBearerAuth(token);
        });
        WebTestClient.ResponseSpec response = body == null
                ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange();
        byte[] bytes = response.expectStatus()
                .is2xxSuccessful()
                .expectBody()
                .returnResult()
                .getResponseBody();
        JsonNode node = json.readTree(bytes);
        shape(name, node);
        return node;
    }

    /** One line per field: its path and its kind; arrays by their first element. */
    private void shape(String path, JsonNode node) {
        if (node.isObject()) {
            shapes.add(path + " {}");
            for (Map.Entry<String, JsonNode> e : node.properties()) shape(path + "." + e.getKey(), e.getValue());
        } else if (node.isArray()) {
            shapes.add(path + " []");
            if (!node.isEmpty()) shape(path + "[0]", node.get(0));
        } else {
            shapes.add(path + " " + kind(node));
        }
    }

    private static String kind(JsonNode node) {
        if (node.isNull()) return "null";
        if (node.isBoolean()) return "boolean";
        if (node.isIntegralNumber()) return "integer";
        if (node.isNumber()) return "float";
        return "string";
    }
}
