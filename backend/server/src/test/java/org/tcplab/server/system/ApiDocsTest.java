package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI document tells the truth: title and version, the bearer scheme, the status codes the
 * handlers answer, problem+json on every operation, the lab token on every change, typed answers.
 * It is also the source of the frontend's API types: {@code frontend/openapi.json} must equal it
 * ({@code -Dtcplab.openapi.write=true} rewrites the file; then run {@code npm run api} in frontend).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class ApiDocsTest {

    static final Path CHECKED_IN = Path.of("../../frontend/openapi.json");

    @Autowired
    WebTestClient web;

    private final JsonMapper json =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    /** Read once: building the document takes seconds on a busy machine. */
    private static JsonNode doc;

    @BeforeEach
    void read() {
        if (doc != null) return;
        byte[] body = web.mutate()
                .responseTimeout(Duration.ofMinutes(1))
                .build()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody();
        doc = json.readTree(body);
    }

    private JsonNode op(String path, String method) {
        JsonNode op = doc.path("paths").path(path).path(method);
        assertThat(op.isMissingNode()).as(method + " " + path).isFalse();
        return op;
    }

    @Test
    void itNamesTheApiAndItsVersion() {
        assertThat(doc.path("info").path("title").asString()).isEqualTo("TCP Lab API");
        assertThat(doc.path("info").path("version").asString()).isEqualTo(ApiDocs.CONTRACT_VERSION);
    }

    @Test
    void theLabTokenIsABearerSchemeOnEveryChange() {
        JsonNode scheme = doc.path("components").path("securitySchemes").path("labToken");
        assertThat(scheme.path("type").asString()).isEqualTo("http");
        assertThat(scheme.path("scheme").asString()).isEqualTo("bearer");
        for (String[] change : new String[][] {
            {"/api/labs/{lab}", "delete"},
            {"/api/labs/{lab}/connections", "post"},
            {"/api/labs/{lab}/connections/{c}/send", "post"},
            {"/api/labs/{lab}/faults", "post"},
            {"/api/labs/{lab}/scenarios/{name}", "post"},
            {"/api/labs/{lab}/clock", "patch"}
        }) {
            JsonNode op = op(change[0], change[1]);
            assertThat(op.path("security").toString())
                    .as(change[1] + " " + change[0])
                    .contains("labToken");
            assertThat(op.path("responses").has("401")).isTrue();
            assertThat(op.path("responses").has("403")).isTrue();
            assertThat(op.path("responses").has("404")).isTrue();
        }
        // Reads need only the id.
        assertThat(op("/api/labs/{lab}", "get").has("security")).isFalse();
        assertThat(op("/api/labs/{lab}", "get").path("responses").has("404")).isTrue();
    }

    @Test
    void statusCodesAreTheOnesAnswered() {
        assertThat(op("/api/labs", "post").path("responses").has("201")).isTrue();
        assertThat(op("/api/labs", "post").path("responses").has("200")).isFalse();
        assertThat(op("/api/labs/{lab}/listen", "post").path("responses").has("201"))
                .isTrue();
        assertThat(op("/api/labs/{lab}/connections", "post").path("responses").has("201"))
                .isTrue();
        assertThat(op("/api/labs/{lab}/faults", "post").path("responses").has("201"))
                .isTrue();
        assertThat(op("/api/scenarios/{name}/labs", "post").path("responses").has("201"))
                .isTrue();
        for (String accepted : List.of("send", "close", "abort")) {
            JsonNode r =
                    op("/api/labs/{lab}/connections/{c}/" + accepted, "post").path("responses");
            assertThat(r.has("202")).as(accepted).isTrue();
            assertThat(r.has("200")).as(accepted).isFalse();
        }
        assertThat(op("/api/labs/{lab}/inject", "post").path("responses").has("202"))
                .isTrue();
        assertThat(op("/api/labs/{lab}/hosts/{host}/crash", "post")
                        .path("responses")
                        .has("202"))
                .isTrue();
        assertThat(op("/api/labs/{lab}/scenarios/{name}", "post")
                        .path("responses")
                        .has("202"))
                .isTrue();
        assertThat(op("/api/labs/{lab}", "delete").path("responses").has("204")).isTrue();
        assertThat(op("/api/labs/{lab}/faults/{f}", "delete").path("responses").has("204"))
                .isTrue();
    }

    @Test
    void everyOperationAnswersProblemsAsProblemJson() {
        List<String> without = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : doc.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                operations++;
                boolean problem = false;
                for (Map.Entry<String, JsonNode> r :
                        op.getValue().path("responses").properties()) {
                    if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                        problem |= r.getValue().path("content").has("application/problem+json");
                    }
                }
                if (!problem || !op.getValue().path("responses").has("500")) {
                    without.add(op.getKey() + " " + path.getKey());
                }
            }
        }
        assertThat(operations).isGreaterThan(20);
        assertThat(without).isEmpty();
        assertThat(doc.path("components")
                        .path("schemas")
                        .path("ProblemDetail")
                        .path("properties")
                        .has("field"))
                .isTrue();
    }

    @Test
    void answersHaveTypedSchemas() {
        JsonNode schemas = doc.path("components").path("schemas");
        assertThat(op("/api/labs/{lab}", "get")
                        .path("responses")
                        .path("200")
                        .path("content")
                        .toString())
                .contains("#/components/schemas/LabSnapshot");
        assertThat(schemas.path("LabSnapshot")
                        .path("properties")
                        .path("scenario")
                        .toString())
                .contains("#/components/schemas/ScenarioProgress");
        assertThat(schemas.path("ScenarioProgress").path("properties").has("verdict"))
                .isTrue();
        assertThat(schemas.path("LabCreated").path("properties").has("token")).isTrue();
        assertThat(schemas.path("ScenarioParam")
                        .path("properties")
                        .path("type")
                        .path("enum")
                        .toString())
                .contains("seq", "port", "integer");
        // The lab argument is a path parameter, never a body or query.
        JsonNode send = op("/api/labs/{lab}/connections/{c}/send", "post");
        assertThat(send.path("parameters").toString()).contains("\"name\":\"lab\"");
        assertThat(send.path("requestBody").toString()).doesNotContain("#/components/schemas/Lab\"");
        assertThat(schemas.has("Lab")).isFalse();
    }

    /** The frontend's types are generated from frontend/openapi.json: it must be this document. */
    @Test
    void theFrontendsCopyIsThisDocument() throws IOException {
        ObjectNode copy = (ObjectNode) doc.deepCopy();
        copy.remove("servers"); // the test server's random port
        String actual = json.writeValueAsString(copy) + "\n";
        if (Boolean.getBoolean("tcplab.openapi.write")) {
            Files.writeString(CHECKED_IN, actual, StandardCharsets.UTF_8);
        }
        assertThat(CHECKED_IN).exists();
        assertThat(Files.readString(CHECKED_IN, StandardCharsets.UTF_8))
                .as("frontend/openapi.json is stale: run ApiDocsTest with -Dtcplab.openapi.write=true,"
                        + " then npm run api in frontend")
                .isEqualTo(actual);
    }
}
