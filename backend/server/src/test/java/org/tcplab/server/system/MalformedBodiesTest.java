package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.TcpLabApplication;
import org.tcplab.server.lab.LabService;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Generated malformed bodies against every endpoint that takes one: each starts from a valid body
 * and breaks it once (a value of the wrong type, null in a list, huge numbers, NaN and Infinity
 * spelled every way, over-long strings, an unknown field, deep nesting, a wrong top-level type, cut
 * off or otherwise malformed JSON). Every answer must be a 4xx problem+json with a stable code, never
 * a 5xx, and the lab's snapshot (event count and last id included) and the number of labs must be
 * exactly as before.
 */
class MalformedBodiesTest {

    private static final int TRIES = 150;
    private static final int MAX_STRING = 256;
    private static final int MAX_SEND = 131072;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ConfigurableApplicationContext app;
    private static WebTestClient web;
    private static String lab;
    private static String token;
    private static Map<String, Object> baseline;
    private static List<Map<String, Object>> baselineEvents;

    @BeforeContainer
    static void start() {
        app = new SpringApplicationBuilder(TcpLabApplication.class)
                .properties(
                        "server.port=0",
                        "spring.main.banner-mode=off",
                        "tcplab.labs-per-client-per-minute=1000000",
                        "logging.level.org.tcplab=WARN")
                .run();
        int port = ((WebServerApplicationContext) app).getWebServer().getPort();
        web = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .build();
        Map<String, Object> created = web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clock", "step", "seed", 1))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
        lab = (String) created.get("id");
        token = (String) created.get("token");
        // Something to aim at: a listener, a connection (id 1), a fault rule.
        send(HttpMethod.POST, "/api/labs/" + lab + "/listen", "{\"host\":\"server\",\"port\":80}", 201);
        send(HttpMethod.POST, "/api/labs/" + lab + "/connections", "{\"remotePort\":80}", 201);
        send(HttpMethod.POST, "/api/labs/" + lab + "/faults", "{\"action\":\"duplicate\",\"match\":{\"nth\":9}}", 201);
        baseline = snapshot();
        baselineEvents = events();
    }

    @AfterContainer
    static void stop() {
        if (app != null) app.close();
    }

    private static void send(HttpMethod method, String uri, String body, int status) {
        web.method(method)
                .uri(uri)
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isEqualTo(status);
    }

    private static Map<String, Object> snapshot() {
        return web.get()
                .uri("/api/labs/" + lab)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult()
                .getResponseBody();
    }

    private static List<Map<String, Object>> events() {
        return web.get()
                .uri("/api/labs/" + lab + "/events?after=0")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
    }

    // ---- the endpoints, each with a valid body to break ----------------------------------------

    enum Endpoint {
        CREATE_LAB(
                HttpMethod.POST,
                "/api/labs",
                "{\"mode\":\"sim\",\"seed\":42,\"clock\":\"step\",\"timeScale\":1.5,\"paused\":false,"
                        + "\"link\":{\"latencyMs\":10.5,\"jitterMs\":0.5,\"bandwidthKbps\":1000,\"mtu\":1500},"
                        + "\"tcp\":{\"mss\":1460,\"window\":65535,\"windowScale\":7,\"sack\":true,\"timestamps\":true,"
                        + "\"initialRtoMs\":1000.5,\"minRtoMs\":200.5,\"synRetries\":6,\"synAckRetries\":5,"
                        + "\"mslMs\":1000.5,\"twoWayHandshake\":false,\"delayedAck\":true,\"nagle\":true},"
                        + "\"clientTcp\":{\"mss\":1000},\"serverTcp\":{\"sack\":false}}"),
        CREATE_SCENARIO_LAB(
                HttpMethod.POST,
                "/api/scenarios/three-way-handshake/labs",
                "{\"params\":{\"clientIsn\":100},\"clock\":\"instant\",\"timeScale\":1.5}"),
        CLOCK(HttpMethod.PATCH, "/clock", "{\"clock\":\"step\",\"timeScale\":1.5,\"paused\":false}"),
        LINK(HttpMethod.PATCH, "/link", "{\"latencyMs\":10.5,\"jitterMs\":0.5,\"bandwidthKbps\":0,\"mtu\":1500}"),
        LISTEN(HttpMethod.POST, "/listen", "{\"host\":\"client\",\"port\":8080}"),
        CONNECT(
                HttpMethod.POST,
                "/connections",
                "{\"from\":\"client\",\"localPort\":40001,\"remotePort\":8080,\"isn\":1,\"peerIsn\":2,"
                        + "\"simultaneous\":false,\"autoListen\":false}"),
        SEND(HttpMethod.POST, "/connections/1/send", "{\"side\":\"client\",\"text\":\"hello\"}"),
        CLOSE(HttpMethod.POST, "/connections/1/close", "{\"side\":\"client\"}"),
        ABORT(HttpMethod.POST, "/connections/1/abort", "{\"side\":\"server\"}"),
        INJECT(
                HttpMethod.POST,
                "/inject",
                "{\"from\":\"client\",\"segment\":{\"srcPort\":1,\"dstPort\":2,\"seq\":1,\"ack\":5,"
                        + "\"flags\":[\"SYN\",\"ACK\"],\"window\":100,\"urgentPointer\":0,"
                        + "\"options\":[{\"kind\":\"MSS\",\"value\":1460},"
                        + "{\"kind\":\"SACK\",\"blocks\":[{\"left\":1,\"right\":2}]},"
                        + "{\"kind\":\"TS\",\"value\":1,\"echo\":2},{\"kind\":\"30\",\"data\":\"abcd\"}],"
                        + "\"text\":\"x\"},\"delayMs\":0.5}"),
        FAULT(
                HttpMethod.POST,
                "/faults",
                "{\"direction\":\"both\",\"match\":{\"flags\":[\"SYN\"],\"onlyFlags\":[\"SYN\",\"ACK\"],"
                        + "\"connection\":\"1\",\"nth\":1,\"count\":1,\"probability\":0.5},"
                        + "\"action\":\"delay\",\"delayMs\":10.5}"),
        ADVANCE(HttpMethod.POST, "/advance", "{\"ms\":1.5}"),
        RUN_SCENARIO(HttpMethod.POST, "/scenarios/three-way-handshake", "{\"params\":{\"clientIsn\":100}}");

        final HttpMethod method;
        final String path;
        final String valid;

        Endpoint(HttpMethod method, String path, String valid) {
            this.method = method;
            this.path = path;
            this.valid = valid;
        }

        String uri() {
            return path.startsWith("/api/") ? path : "/api/labs/" + lab + path;
        }
    }

    // ---- breaking a body once ---------------------------------------------------------------------

    enum Kind {
        WRONG_VALUE,
        NULL_IN_LIST,
        UNKNOWN_FIELD,
        DEEP_NESTING,
        WRONG_TOP_LEVEL,
        CUT_OFF,
        DUPLICATE_KEY,
        TRAILING_GARBAGE
    }

    /** One way to break one endpoint's body; the numbers pick the place and the value. */
    record Mutation(Endpoint endpoint, Kind kind, int where, int what, int depth) {
        @Override
        public String toString() {
            String b = body();
            return endpoint + " " + kind + " " + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
        }

        String body() {
            return apply(endpoint.valid, kind, where, what, depth);
        }
    }

    /** A place in the body's tree: a property of an object or an element of an array. */
    record Place(JsonNode parent, String name, int index, JsonNode value, String path) {
        boolean payload() {
            return "text".equals(name) || "base64".equals(name);
        }

        boolean param() {
            return path.startsWith("params.");
        }
    }

    private static final String MARK = "@@MARK@@";

    static String apply(String valid, Kind kind, int where, int what, int depth) {
        JsonNode root = JSON.readTree(valid);
        List<Place> places = new ArrayList<>();
        collect(root, "", places);
        switch (kind) {
            case WRONG_VALUE -> {
                Place p = places.get(where % places.size());
                List<String> bad = badValues(p, depth);
                return replace(root, p, bad.get(what % bad.size()));
            }
            case NULL_IN_LIST -> {
                List<Place> lists =
                        places.stream().filter(p -> p.value().isArray()).toList();
                if (lists.isEmpty()) return wrongTopLevel(valid, what);
                Place p = lists.get(where % lists.size());
                ArrayNode a = ((ArrayNode) p.value()).deepCopy();
                a.insert(a.isEmpty() ? 0 : what % (a.size() + 1), MARK);
                return replace(root, p, JSON.writeValueAsString(a).replace("\"" + MARK + "\"", "null"));
            }
            case UNKNOWN_FIELD -> {
                List<Place> objects = new ArrayList<>();
                objects.add(new Place(null, null, -1, root, ""));
                places.stream()
                        .filter(p -> p.value().isObject() && !p.path().equals("params"))
                        .forEach(objects::add);
                Place p = objects.get(where % objects.size());
                ((ObjectNode) p.value()).put("zz" + Integer.toString(what, 36), what % 2 == 0 ? "x" : "1");
                return JSON.writeValueAsString(root);
            }
            case DEEP_NESTING -> {
                Place p = places.get(where % places.size());
                String nest = what % 2 == 0
                        ? "[".repeat(depth) + "1" + "]".repeat(depth)
                        : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
                return replace(root, p, nest);
            }
            case WRONG_TOP_LEVEL -> {
                return wrongTopLevel(valid, what);
            }
            case CUT_OFF -> {
                return valid.substring(0, 1 + where % (valid.length() - 1));
            }
            case DUPLICATE_KEY -> {
                List<Place> props = new ArrayList<>(
                        places.stream().filter(p -> p.name() != null).toList());
                Place p = props.get(where % props.size());
                String fragment = JSON.writeValueAsString(p.value());
                ((ObjectNode) p.parent()).put(p.name(), MARK);
                String once = JSON.writeValueAsString(root);
                String key = JSON.writeValueAsString(p.name());
                return once.replace(key + ":\"" + MARK + "\"", key + ":" + fragment + "," + key + ":" + fragment);
            }
            case TRAILING_GARBAGE -> {
                List<String> tails = List.of(" x", "}", ",", " {}", "]", " null", "\u0000");
                return valid + tails.get(what % tails.size());
            }
        }
        throw new IllegalStateException(kind.toString());
    }

    private static String wrongTopLevel(String valid, int what) {
        List<String> tops = List.of("[]", "[" + valid + "]", "\"" + "x" + "\"", "42", "true", "1.5", "-0", "[null]");
        return tops.get(what % tops.size());
    }

    private static void collect(JsonNode node, String path, List<Place> out) {
        if (node.isObject()) {
            for (var e : node.properties()) {
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.add(new Place(node, e.getKey(), -1, e.getValue(), p));
                collect(e.getValue(), p, out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String p = path + "[" + i + "]";
                out.add(new Place(node, null, i, node.get(i), p));
                collect(node.get(i), p, out);
            }
        }
    }

    /** The body with the value at {@code p} replaced by the raw JSON (or not-quite-JSON) {@code raw}. */
    private static String replace(JsonNode root, Place p, String raw) {
        if (p.name() != null) {
            ((ObjectNode) p.parent()).set(p.name(), StringNode.valueOf(MARK));
        } else {
            ((ArrayNode) p.parent()).set(p.index(), StringNode.valueOf(MARK));
        }
        return JSON.writeValueAsString(root).replace("\"" + MARK + "\"", raw);
    }

    /** Values that no field of this kind accepts: never a valid change in disguise. */
    static List<String> badValues(Place p, int depth) {
        String tooLong = "\"" + "s".repeat(MAX_STRING + 1 + depth) + "\"";
        List<String> nonNumbers = List.of(
                "\"82\"", "\" 84 \"", "\"\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "true", "{}", "[]", "[1]");
        List<String> nonFinite = List.of("1e400", "-1e400", "NaN", "Infinity", "-Infinity", "+1", "0x10", "01");
        JsonNode v = p.value();
        List<String> out = new ArrayList<>();
        if (p.param()) {
            // Scenario parameters are whole numbers in range; free-form JSON can carry anything else.
            out.addAll(List.of("true", "{}", "[]", "[1]", "\"x\"", "\"NaN\"", "1.5", "-1", "1e400", "4294967296"));
            out.add(tooLong);
        } else if (v.isString()) {
            out.addAll(List.of("7", "-1", "1.5", "true", "false", "{}", "[]", "[\"x\"]", "1e400"));
            out.add(p.payload() ? "\"" + "t".repeat(MAX_SEND + 1) + "\"" : tooLong);
        } else if (v.isIntegralNumber()) {
            out.addAll(nonNumbers);
            out.addAll(nonFinite);
            out.addAll(List.of("81.9", "1.0", "1e3", "-1e30", "99999999999999999999", "1" + "0".repeat(60)));
        } else if (v.isFloatingPointNumber()) {
            out.addAll(nonNumbers.subList(2, nonNumbers.size()));
            out.addAll(nonFinite);
            out.add("\"0.5\"");
            out.add("1" + "0".repeat(60));
        } else if (v.isBoolean()) {
            out.addAll(List.of("0", "1", "\"true\"", "\"false\"", "\"\"", "{}", "[]", "1.5", "\"yes\""));
        } else if (v.isArray()) {
            out.addAll(List.of("[null]", "\"SYN\"", "5", "{}", "true", "[5]", "[[]]", "[true]"));
        } else if (v.isObject()) {
            out.addAll(List.of("[]", "\"x\"", "5", "true", "[{}]", "1.5"));
        }
        return out;
    }

    private static Arbitrary<Mutation> forEndpoint(Endpoint e) {
        return Combinators.combine(
                        Arbitraries.of(Kind.class),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(0, 10_000),
                        Arbitraries.integers().between(17, 3000))
                .as((k, a, b, d) -> new Mutation(e, k, a, b, d));
    }

    @Provide
    Arbitrary<Mutation> createLab() {
        return forEndpoint(Endpoint.CREATE_LAB);
    }

    @Provide
    Arbitrary<Mutation> createScenarioLab() {
        return forEndpoint(Endpoint.CREATE_SCENARIO_LAB);
    }

    @Provide
    Arbitrary<Mutation> clock() {
        return forEndpoint(Endpoint.CLOCK);
    }

    @Provide
    Arbitrary<Mutation> link() {
        return forEndpoint(Endpoint.LINK);
    }

    @Provide
    Arbitrary<Mutation> listen() {
        return forEndpoint(Endpoint.LISTEN);
    }

    @Provide
    Arbitrary<Mutation> connect() {
        return forEndpoint(Endpoint.CONNECT);
    }

    @Provide
    Arbitrary<Mutation> sendData() {
        return forEndpoint(Endpoint.SEND);
    }

    @Provide
    Arbitrary<Mutation> close() {
        return forEndpoint(Endpoint.CLOSE);
    }

    @Provide
    Arbitrary<Mutation> abort() {
        return forEndpoint(Endpoint.ABORT);
    }

    @Provide
    Arbitrary<Mutation> inject() {
        return forEndpoint(Endpoint.INJECT);
    }

    @Provide
    Arbitrary<Mutation> fault() {
        return forEndpoint(Endpoint.FAULT);
    }

    @Provide
    Arbitrary<Mutation> advance() {
        return forEndpoint(Endpoint.ADVANCE);
    }

    @Provide
    Arbitrary<Mutation> runScenario() {
        return forEndpoint(Endpoint.RUN_SCENARIO);
    }

    private void refusedAndNothingChanged(Mutation m) {
        int labs = app.getBean(LabService.class).size();
        EntityExchangeResult<Map<String, Object>> r = web.method(m.endpoint().method)
                .uri(m.endpoint().uri())
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(m.body())
                .exchange()
                .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                .returnResult();
        int status = r.getStatus().value();
        assertThat(status).as("status of %s: %s", m, r.getResponseBody()).isBetween(400, 499);
        assertThat(r.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        Map<String, Object> problem = r.getResponseBody();
        assertThat(problem).containsKeys("code", "type", "detail", "requestId");
        assertThat((String) problem.get("type")).isEqualTo("urn:tcplab:problem:" + problem.get("code"));
        assertThat(app.getBean(LabService.class).size()).as("labs after %s", m).isEqualTo(labs);
        assertThat(snapshot()).as("the lab after %s", m).isEqualTo(baseline);
    }

    @Property(tries = TRIES)
    void createLab(@ForAll("createLab") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void createScenarioLab(@ForAll("createScenarioLab") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void patchClock(@ForAll("clock") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void patchLink(@ForAll("link") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void listen(@ForAll("listen") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void connect(@ForAll("connect") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void send(@ForAll("sendData") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void close(@ForAll("close") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void abort(@ForAll("abort") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void inject(@ForAll("inject") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void addFault(@ForAll("fault") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void advance(@ForAll("advance") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = TRIES)
    void runScenario(@ForAll("runScenario") Mutation m) {
        refusedAndNothingChanged(m);
    }

    @Property(tries = 1)
    void theEventLogIsExactlyAsBefore() {
        assertThat(events()).isEqualTo(baselineEvents);
    }
}
