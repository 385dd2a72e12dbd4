package org.tcplab.server.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.TcpFlags;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads one scenario file into a {@link ScenarioDefinition}, checking everything that can be checked
 * without running it: unknown keys, missing texts, undeclared parameters, connection aliases used
 * before their {@code connect}, flag and state names. Every problem names where it is
 * ({@code steps[2].connect.isn: ...}).
 */
final class ScenarioParser {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern TIME = Pattern.compile("(.+?)\\s*(us|ms|s)");
    static final Set<String> TCP_KEYS = Set.of(
            "mss",
            "window",
            "windowScale",
            "sack",
            "timestamps",
            "initialRtoMs",
            "minRtoMs",
            "synRetries",
            "synAckRetries",
            "mslMs",
            "twoWayHandshake",
            "fourWayHandshake",
            "delayedAck",
            "nagle");
    static final Set<String> TCP_BOOLEAN_KEYS =
            Set.of("sack", "timestamps", "twoWayHandshake", "fourWayHandshake", "delayedAck", "nagle");
    static final Set<String> LINK_KEYS = Set.of("latencyMs", "jitterMs", "bandwidthKbps", "mtu");
    private static final List<String> ACTIONS = List.of(
            "listen", "connect", "send", "close", "abort", "crash", "inject", "fault", "reading", "link", "pinIsn");

    private ScenarioParser() {}

    static ScenarioDefinition parse(String file, InputStream in) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (tools.jackson.core.JacksonException e) {
            var at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ScenarioFileException(file, "not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        try {
            return new ScenarioParser.Reader(file).scenario(new Node("", root));
        } catch (IllegalArgumentException e) {
            throw new ScenarioFileException(file, e.getMessage(), e);
        }
    }

    static ScenarioDefinition parse(String file, String yaml) {
        try (InputStream in =
                new java.io.ByteArrayInputStream(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            return parse(file, in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A YAML node and where it sits, so every error names its place. */
    private record Node(String path, JsonNode json) {

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException((path.isEmpty() ? "" : path + ": ") + problem);
        }

        Node at(String key) {
            return new Node(path.isEmpty() ? key : path + "." + key, json.get(key));
        }

        boolean has(String key) {
            return json != null && json.get(key) != null && !json.get(key).isNull();
        }

        Node object(Set<String> allowed) {
            if (json == null || !json.isObject()) throw error("must be a mapping (key: value)");
            for (String k : json.propertyNames()) {
                if (!allowed.contains(k))
                    throw error("unknown key '" + k + "' (allowed: " + new java.util.TreeSet<>(allowed) + ")");
            }
            return this;
        }

        List<Node> list() {
            if (json == null || !json.isArray()) throw error("must be a list");
            List<Node> out = new ArrayList<>();
            for (int i = 0; i < json.size(); i++) out.add(new Node(path + "[" + i + "]", json.get(i)));
            return out;
        }

        String string() {
            if (json == null || json.isNull()) throw error("missing");
            if (!json.isString() && !json.isNumber() && !json.isBoolean()) throw error("must be a text");
            return json.asString();
        }

        boolean bool() {
            if (json == null || !json.isBoolean()) throw error("must be true or false");
            return json.booleanValue();
        }

        double number() {
            if (json == null || !json.isNumber()) throw error("must be a number");
            return json.doubleValue();
        }
    }

    private static final class Reader {
        private final String file;
        private Set<String> params = Set.of();
        private final Set<String> aliases = new LinkedHashSet<>();

        Reader(String file) {
            this.file = file;
        }

        ScenarioDefinition scenario(Node root) {
            root.object(Set.of(
                    "name",
                    "order",
                    "group",
                    "title",
                    "description",
                    "rfc",
                    "companion",
                    "params",
                    "setup",
                    "steps",
                    "expect"));
            String name = root.at("name").string();
            if (!NAME.matcher(name).matches())
                throw root.at("name").error("must be lower-case words joined by '-': " + name);
            String base = file.replaceAll(".*/", "").replaceFirst("\\.ya?ml$", "");
            if (!base.equals(name))
                throw root.at("name").error("must match the file name '" + base + "', is '" + name + "'");
            Text title = text(root.at("title"));
            Text description = text(root.at("description"));
            List<ParamSpec> specs = new ArrayList<>();
            if (root.has("params")) {
                Node ps = root.at("params");
                if (!ps.json().isObject())
                    throw ps.error("must be a mapping of parameter name to {type, default, description}");
                for (String p : ps.json().propertyNames()) specs.add(param(p, ps.at(p)));
            }
            Set<String> declared = new LinkedHashSet<>();
            for (ParamSpec p : specs) declared.add(p.name());
            this.params = declared;
            LabSetup setup = root.has("setup") ? setup(root.at("setup")) : LabSetup.NONE;
            List<Step> steps = new ArrayList<>();
            Set<String> stepNames = new LinkedHashSet<>();
            long lastAt = -1;
            Map<String, Long> defaults = new LinkedHashMap<>();
            for (ParamSpec p : specs) defaults.put(p.name(), p.defaultValue());
            List<Node> stepNodes = root.at("steps").list();
            if (stepNodes.isEmpty()) throw root.at("steps").error("a scenario needs at least one step");
            for (Node s : stepNodes) {
                Step step = step(s, steps.size());
                if (!stepNames.add(step.name())) throw s.error("step name '" + step.name() + "' is used twice");
                long at = step.atUs(defaults);
                if (at < 0) throw s.at("at").error("must not be negative");
                if (at < lastAt)
                    throw s.at("at").error("steps must be in time order (this one is before the previous)");
                lastAt = at;
                steps.add(step);
            }
            Expectation expect = root.has("expect") ? expectation(root.at("expect")) : null;
            int order = root.has("order") ? (int) root.at("order").number() : 1000;
            String group = root.has("group") ? root.at("group").string() : "other";
            if (!NAME.matcher(group).matches())
                throw root.at("group").error("must be lower-case words joined by '-': " + group);
            String rfc = root.has("rfc") ? root.at("rfc").string() : null;
            String companion = root.has("companion") ? root.at("companion").string() : null;
            if (companion != null && !NAME.matcher(companion).matches())
                throw root.at("companion").error("must name a scenario (lower-case words joined by '-'): " + companion);
            return new ScenarioDefinition(
                    name,
                    file,
                    order,
                    group,
                    rfc,
                    companion,
                    title,
                    description,
                    List.copyOf(specs),
                    setup,
                    List.copyOf(steps),
                    expect);
        }

        Text text(Node n) {
            n.object(Set.of("en", "zh"));
            if (!n.has("en")) throw n.error("missing English text (en)");
            if (!n.has("zh")) throw n.error("missing Chinese text (zh)");
            Text t = new Text(n.at("en").string().strip(), n.at("zh").string().strip());
            t.checkParams(params);
            return t;
        }

        ParamSpec param(String name, Node n) {
            n.object(Set.of("type", "default", "min", "max", "description"));
            if (!name.matches("[a-zA-Z][a-zA-Z0-9]*")) throw n.error("parameter names are letters and digits");
            String type = n.has("type") ? n.at("type").string() : "integer";
            if (!n.has("default")) throw n.error("missing default");
            JsonNode d = n.at("default").json();
            if (!d.isIntegralNumber()) throw n.at("default").error("must be an integer");
            Long min = n.has("min") ? n.at("min").json().asLong() : null;
            Long max = n.has("max") ? n.at("max").json().asLong() : null;
            try {
                return ParamSpec.of(name, type, d.asLong(), min, max, text(n.at("description")));
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
        }

        LabSetup setup(Node n) {
            n.object(Set.of("tcp", "link"));
            Map<String, Object> tcp = new LinkedHashMap<>();
            Map<String, Object> link = new LinkedHashMap<>();
            if (n.has("tcp")) {
                Node t = n.at("tcp").object(TCP_KEYS);
                for (String k : t.json().propertyNames()) {
                    tcp.put(k, TCP_BOOLEAN_KEYS.contains(k) ? (Object) t.at(k).bool() : expr(t.at(k)));
                }
            }
            if (n.has("link")) {
                Node l = n.at("link").object(LINK_KEYS);
                for (String k : l.json().propertyNames()) link.put(k, expr(l.at(k)));
            }
            return new LabSetup(
                    java.util.Collections.unmodifiableMap(tcp), java.util.Collections.unmodifiableMap(link));
        }

        Expr expr(Node n) {
            if (n.json() == null || n.json().isNull()) throw n.error("missing");
            if (n.json().isIntegralNumber()) return Expr.constant(n.json().asLong());
            if (!n.json().isString()) throw n.error("must be an integer or an expression like \"${clientIsn + 1}\"");
            try {
                Expr e = Expr.parse(n.json().asString());
                e.checkParams(params);
                return e;
            } catch (IllegalArgumentException e) {
                throw n.error(e.getMessage());
            }
        }

        Expr optExpr(Node parent, String key) {
            return parent.has(key) ? expr(parent.at(key)) : null;
        }

        HostName host(Node n) {
            String s = n.string();
            try {
                return HostName.parse(s);
            } catch (IllegalArgumentException e) {
                throw n.error("must be client or server, not '" + s + "'");
            }
        }

        String useAlias(Node parent) {
            if (!parent.has("conn")) {
                if (aliases.size() == 1) return aliases.iterator().next();
                throw parent.error(
                        aliases.isEmpty()
                                ? "no connection yet: connect first"
                                : "say which connection (conn: one of " + aliases + ")");
            }
            String a = parent.at("conn").string();
            if (!aliases.contains(a))
                throw parent.at("conn")
                        .error("no connection named '" + a + "' was opened before (known: " + aliases + ")");
            return a;
        }

        List<String> flags(Node n) {
            List<String> out = new ArrayList<>();
            for (Node f : n.list()) out.add(f.string().toUpperCase(Locale.ROOT));
            try {
                // normalise to header-bit order and reject unknown names
                return TcpFlags.parse(out).names();
            } catch (IllegalArgumentException e) {
                throw n.error("unknown flag in " + out + " (flags: CWR ECE URG ACK PSH RST SYN FIN)");
            }
        }

        Step step(Node n, int index) {
            Set<String> keys = new LinkedHashSet<>(List.of("at", "name", "narration"));
            keys.addAll(ACTIONS);
            n.object(keys);
            String name = n.has("name") ? n.at("name").string() : null;
            Node at = n.at("at");
            Matcher m = TIME.matcher(at.string().strip());
            if (!m.matches()) throw at.error("must be a time like 0ms, 250ms, 1.5s or \"${latencyMs}ms\"");
            String num = m.group(1);
            long unit =
                    switch (m.group(2)) {
                        case "us" -> 1L;
                        case "ms" -> 1_000L;
                        default -> 1_000_000L;
                    };
            Expr atExpr;
            if (num.matches("\\d+\\.\\d+")) {
                // decimals only as literals: "1.5s" is 1500000 us
                java.math.BigDecimal us = new java.math.BigDecimal(num).multiply(java.math.BigDecimal.valueOf(unit));
                atExpr = Expr.constant(us.longValueExact());
                unit = 1;
            } else {
                try {
                    atExpr = Expr.parse(num);
                    atExpr.checkParams(params);
                } catch (IllegalArgumentException | ArithmeticException e) {
                    throw at.error(e.getMessage());
                }
            }
            Text narration = n.has("narration") ? text(n.at("narration")) : null;
            Action action = null;
            String actionKey = null;
            for (String a : ACTIONS) {
                if (n.has(a)) {
                    if (action != null) throw n.error("one action per step, found '" + actionKey + "' and '" + a + "'");
                    action = action(a, n.at(a));
                    actionKey = a;
                }
            }
            if (action == null && narration == null)
                throw n.error("a step needs an action (" + ACTIONS + ") or a narration");
            if (name == null) name = (actionKey != null ? actionKey : "note") + "-" + (index + 1);
            return new Step(name, atExpr, unit, narration, action);
        }

        Action action(String kind, Node n) {
            switch (kind) {
                case "listen": {
                    n.object(Set.of("host", "port"));
                    return new Action.Listen(n.has("host") ? host(n.at("host")) : HostName.SERVER, expr(n.at("port")));
                }
                case "connect": {
                    n.object(Set.of("as", "from", "localPort", "remotePort", "isn", "peerIsn", "simultaneous"));
                    String as = n.has("as") ? n.at("as").string() : "c" + (aliases.size() + 1);
                    if (!aliases.add(as)) throw n.at("as").error("connection name '" + as + "' is already used");
                    return new Action.Connect(
                            as,
                            n.has("from") ? host(n.at("from")) : HostName.CLIENT,
                            expr(n.at("localPort")),
                            expr(n.at("remotePort")),
                            optExpr(n, "isn"),
                            optExpr(n, "peerIsn"),
                            n.has("simultaneous") && n.at("simultaneous").bool());
                }
                case "send": {
                    n.object(Set.of("conn", "side", "text", "bytes"));
                    if (n.has("text") == n.has("bytes")) throw n.error("give exactly one of text and bytes");
                    return new Action.Send(
                            useAlias(n), side(n), n.has("text") ? n.at("text").string() : null, optExpr(n, "bytes"));
                }
                case "close": {
                    n.object(Set.of("conn", "side"));
                    return new Action.Close(useAlias(n), side(n));
                }
                case "abort": {
                    n.object(Set.of("conn", "side"));
                    return new Action.Abort(useAlias(n), side(n));
                }
                case "crash": {
                    n.object(Set.of("host"));
                    return new Action.Crash(host(n.at("host")));
                }
                case "inject": {
                    n.object(Set.of(
                            "from", "srcPort", "dstPort", "seq", "ack", "flags", "window", "mss", "text", "delayMs"));
                    List<String> flags = flags(n.at("flags"));
                    if (n.has("ack") != flags.contains("ACK")) {
                        throw n.error("an ack number goes with the ACK flag and only with it (RFC 9293 §3.1)");
                    }
                    return new Action.Inject(
                            host(n.at("from")),
                            expr(n.at("srcPort")),
                            expr(n.at("dstPort")),
                            expr(n.at("seq")),
                            optExpr(n, "ack"),
                            flags,
                            optExpr(n, "window"),
                            optExpr(n, "mss"),
                            n.has("text") ? n.at("text").string() : null,
                            optExpr(n, "delayMs"));
                }
                case "fault": {
                    n.object(Set.of(
                            "direction",
                            "flags",
                            "onlyFlags",
                            "conn",
                            "nth",
                            "count",
                            "probability",
                            "action",
                            "delayMs"));
                    Direction d;
                    FaultAction a;
                    try {
                        d = Direction.parse(n.at("direction").string());
                    } catch (IllegalArgumentException e) {
                        throw n.at("direction").error(e.getMessage());
                    }
                    try {
                        a = FaultAction.parse(n.at("action").string());
                    } catch (IllegalArgumentException e) {
                        throw n.at("action").error("must be drop, delay, duplicate, reorder or corrupt");
                    }
                    double p = n.has("probability") ? n.at("probability").number() : 1.0;
                    if (p < 0 || p > 1) throw n.at("probability").error("must be between 0 and 1");
                    if (a == FaultAction.DELAY && !n.has("delayMs")) throw n.error("a delay needs delayMs");
                    return new Action.Fault(
                            d,
                            n.has("flags") ? flags(n.at("flags")) : null,
                            n.has("onlyFlags") ? flags(n.at("onlyFlags")) : null,
                            n.has("conn") ? useAlias(n) : null,
                            optExpr(n, "nth"),
                            optExpr(n, "count"),
                            p,
                            a,
                            optExpr(n, "delayMs"));
                }
                case "reading": {
                    n.object(Set.of("conn", "side", "enabled"));
                    return new Action.Reading(
                            useAlias(n), side(n), n.at("enabled").bool());
                }
                case "link": {
                    n.object(LINK_KEYS);
                    return new Action.Link(
                            optExpr(n, "latencyMs"),
                            optExpr(n, "jitterMs"),
                            optExpr(n, "bandwidthKbps"),
                            optExpr(n, "mtu"));
                }
                case "pinIsn": {
                    n.object(Set.of("host", "localPort", "remotePort", "isn"));
                    return new Action.PinIsn(
                            host(n.at("host")), expr(n.at("localPort")), expr(n.at("remotePort")), expr(n.at("isn")));
                }
                default:
                    throw n.error("unknown action " + kind);
            }
        }

        HostName side(Node n) {
            return n.has("side") ? host(n.at("side")) : HostName.CLIENT;
        }

        Expectation expectation(Node n) {
            n.object(Set.of("match", "segments", "data", "timers"));
            String match = n.has("match") ? n.at("match").string() : "exact";
            if (!match.equals("exact") && !match.equals("subsequence"))
                throw n.at("match").error("must be exact or subsequence");
            List<Expectation.Seg> segs = new ArrayList<>();
            for (Node s : n.at("segments").list()) segs.add(segment(s));
            Map<HostName, Expr> data = new java.util.EnumMap<>(HostName.class);
            if (n.has("data")) {
                Node d = n.at("data").object(Set.of("client", "server"));
                for (String h : d.json().propertyNames()) data.put(HostName.parse(h), expr(d.at(h)));
            }
            List<Expectation.TimerExp> timers = new ArrayList<>();
            if (n.has("timers")) {
                for (Node t : n.at("timers").list()) {
                    t.object(Set.of("host", "timer", "action"));
                    String timer = t.at("timer").string();
                    boolean known = false;
                    for (TimerKind k : TimerKind.values()) known |= k.id().equals(timer);
                    if (!known) throw t.at("timer").error("unknown timer '" + timer + "'");
                    String action = t.at("action").string();
                    if (!Set.of("armed", "fired", "cancelled").contains(action))
                        throw t.at("action").error("must be armed, fired or cancelled");
                    timers.add(new Expectation.TimerExp(host(t.at("host")), timer, action));
                }
            }
            // unmodifiable views, not Map.copyOf: its iteration order changes from one JVM to the next
            return new Expectation(
                    match.equals("exact"),
                    List.copyOf(segs),
                    java.util.Collections.unmodifiableMap(data),
                    List.copyOf(timers));
        }

        Expectation.Seg segment(Node n) {
            n.object(Set.of(
                    "from", "flags", "seq", "ack", "len", "window", "retransmission", "dropped", "at", "states"));
            List<String> flags = flags(n.at("flags"));
            if (n.has("ack") && !flags.contains("ACK")) throw n.at("ack").error("an ack number needs the ACK flag");
            Expr at = null;
            if (n.has("at")) {
                Matcher m = Pattern.compile("(.+?)\\s*ms")
                        .matcher(n.at("at").string().strip());
                if (!m.matches()) throw n.at("at").error("must be a time in ms like 1000ms");
                try {
                    at = Expr.parse(m.group(1));
                    at.checkParams(params);
                } catch (IllegalArgumentException e) {
                    throw n.at("at").error(e.getMessage());
                }
            }
            List<Expectation.StateExp> states = new ArrayList<>();
            if (n.has("states")) {
                Node s = n.at("states").object(Set.of("client", "server"));
                for (String h : s.json().propertyNames()) {
                    Node v = s.at(h);
                    List<Node> vs = v.json().isArray() ? v.list() : List.of(v);
                    for (Node one : vs) {
                        try {
                            states.add(new Expectation.StateExp(
                                    HostName.parse(h),
                                    TcpState.valueOf(one.string().replace('-', '_'))));
                        } catch (IllegalArgumentException e) {
                            throw one.error("unknown state '" + one.string() + "' (RFC 9293 names, e.g. SYN_RECEIVED)");
                        }
                    }
                }
            }
            return new Expectation.Seg(
                    host(n.at("from")),
                    flags,
                    optExpr(n, "seq"),
                    optExpr(n, "ack"),
                    optExpr(n, "len"),
                    optExpr(n, "window"),
                    n.has("retransmission") ? n.at("retransmission").bool() : null,
                    n.has("dropped") ? n.at("dropped").bool() : null,
                    at,
                    List.copyOf(states));
        }
    }
}
