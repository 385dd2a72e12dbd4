package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Scenario files are checked when loaded; parameters are checked and substituted when a run starts. */
class ScenarioParserTest {

    private static final String HEADER =
            """
            name: demo
            title: {en: Demo, zh: 演示}
            description: {en: A demo, zh: 一个演示}
            """;

    private static final String PARAMS =
            """
            params:
              clientIsn: {type: seq, default: 100, description: {en: "ISN", zh: "初始序列号"}}
              latencyMs: {type: integer, default: 10, min: 1, max: 200, description: {en: "delay", zh: "时延"}}
            """;

    private static ScenarioDefinition parse(String body) {
        return ScenarioParser.parse("scenarios/demo.yaml", HEADER + body);
    }

    private static void assertBroken(String body, String... fragments) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOf(ScenarioFileException.class)
                .hasMessageStartingWith("scenario file scenarios/demo.yaml: ")
                .satisfies(e -> {
                    for (String f : fragments) assertThat(e.getMessage()).contains(f);
                });
    }

    @Nested
    class Expressions {
        @Test
        void addsAndSubtractsIntegersAndParameters() {
            Map<String, Long> p = Map.of("clientIsn", 100L, "serverIsn", 300L);
            assertThat(Expr.parse("${clientIsn + 1}").eval(p)).isEqualTo(101);
            assertThat(Expr.parse("serverIsn - clientIsn + 2").eval(p)).isEqualTo(202);
            assertThat(Expr.parse("-5 + clientIsn").eval(p)).isEqualTo(95);
            assertThat(Expr.parse("240_000").eval(p)).isEqualTo(240000);
        }

        @Test
        void rejectsAnythingElse() {
            assertThatThrownBy(() -> Expr.parse("clientIsn * 2"))
                    .hasMessageContaining("only integers and parameter names");
            assertThatThrownBy(() -> Expr.parse("clientIsn +")).hasMessageContaining("ends with an operator");
            assertThatThrownBy(() -> Expr.parse("${}")).hasMessageContaining("empty");
            assertThatThrownBy(() -> Expr.parse("a b")).hasMessageContaining("only integers");
        }

        @Test
        void narrationShowsTheNumbers() {
            Text t = new Text("ack=${clientIsn + 1} because the SYN consumes one number", "确认号 ${clientIsn + 1}");
            Text filled = t.fill(Map.of("clientIsn", 4_294_967_295L));
            assertThat(filled.en()).isEqualTo("ack=4294967296 because the SYN consumes one number");
            assertThat(filled.zh()).isEqualTo("确认号 4294967296");
        }
    }

    @Nested
    class Params {
        private final ScenarioRunner runner = new ScenarioRunner();
        private final ScenarioDefinition def = parse(
                PARAMS
                        + """
                steps:
                  - at: "${latencyMs}ms"
                    narration: {en: "seq=${clientIsn}", zh: "序号 ${clientIsn}"}
                """);

        @Test
        void defaultsAndOverrides() {
            assertThat(runner.resolveParams(def, Map.of()))
                    .containsExactly(Map.entry("clientIsn", 100L), Map.entry("latencyMs", 10L));
            Map<String, Object> given = new LinkedHashMap<>();
            given.put("clientIsn", 4_294_967_295L);
            given.put("latencyMs", "25");
            assertThat(runner.resolveParams(def, given))
                    .containsEntry("clientIsn", 4_294_967_295L)
                    .containsEntry("latencyMs", 25L);
            assertThat(runner.resolveParams(def, Map.of("latencyMs", 30.0))).containsEntry("latencyMs", 30L);
            assertThat(runner.resolveParams(def, null)).containsEntry("clientIsn", 100L);
        }

        @Test
        void badParamsNameTheParam() {
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("clientISN", 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'clientISN'")
                    .hasMessageContaining("clientIsn");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("clientIsn", 4_294_967_296L)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'clientIsn'")
                    .hasMessageContaining("4294967295");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("clientIsn", -1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'clientIsn'");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("latencyMs", 0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'latencyMs'")
                    .hasMessageContaining("between 1 and 200");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("latencyMs", "ten")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'latencyMs' must be an integer");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("latencyMs", 1.5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'latencyMs'");
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("latencyMs", 1.5)))
                    .isInstanceOfSatisfying(ScenarioParamException.class, e -> assertThat(e.param())
                            .isEqualTo("latencyMs"));
            assertThatThrownBy(() -> runner.resolveParams(def, Map.of("clientISN", 1)))
                    .isInstanceOfSatisfying(ScenarioParamException.class, e -> assertThat(e.param())
                            .isEqualTo("clientISN"));
        }

        @Test
        void stepTimesUseTheParams() {
            assertThat(def.steps().get(0).atUs(Map.of("latencyMs", 25L, "clientIsn", 1L)))
                    .isEqualTo(25_000);
        }

        @Test
        void catalogInfoIsLocalized() {
            ScenarioInfo zh = def.info(java.util.Locale.CHINESE);
            assertThat(zh.title()).isEqualTo("演示");
            assertThat(zh.params())
                    .containsExactly(
                            new ScenarioParam("clientIsn", "seq", 100L, "初始序列号", 0L, 0xffff_ffffL),
                            new ScenarioParam("latencyMs", "integer", 10L, "时延", 1L, 200L));
        }
    }

    @Nested
    class BrokenFiles {
        @Test
        void groupIsALibrarySectionNameAndDefaultsToOther() {
            String steps =
                    """
                    steps:
                      - at: 0ms
                        listen: {port: 80}
                    """;
            assertThat(parse(steps).info(java.util.Locale.ENGLISH).group()).isEqualTo("other");
            assertThat(parse("group: why-three\n" + steps)
                            .info(java.util.Locale.ENGLISH)
                            .group())
                    .isEqualTo("why-three");
            assertBroken("group: Why Three\n" + steps, "group: must be lower-case words");
        }

        @Test
        void unknownKeyNamesItsPlace() {
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        listen: {host: server, prot: 80}
                    """,
                    "steps[0].listen",
                    "unknown key 'prot'");
        }

        @Test
        void missingChinese() {
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        narration: {en: "hello"}
                    """,
                    "steps[0].narration",
                    "missing Chinese text (zh)");
        }

        @Test
        void undeclaredParameter() {
            assertBroken(
                    PARAMS
                            + """
                    steps:
                      - at: 0ms
                        connect: {localPort: 40000, remotePort: 80, isn: "${serverIsn + 1}"}
                    """,
                    "steps[0].connect.isn",
                    "unknown parameter 'serverIsn'");
        }

        @Test
        void connectionUsedBeforeItIsOpened() {
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        connect: {as: a, localPort: 40000, remotePort: 80}
                      - at: 1ms
                        close: {conn: b, side: client}
                    """,
                    "steps[1].close.conn",
                    "no connection named 'b'");
        }

        @Test
        void stepsOutOfOrder() {
            assertBroken(
                    """
                    steps:
                      - at: 1s
                        listen: {port: 80}
                      - at: 500ms
                        listen: {port: 81}
                    """,
                    "steps[1].at",
                    "time order");
        }

        @Test
        void ackNumberWithoutAckFlag() {
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        inject: {from: client, srcPort: 1, dstPort: 2, seq: 5, ack: 7, flags: [SYN]}
                    """,
                    "steps[0].inject",
                    "ACK flag");
        }

        @Test
        void unknownFlagAndState() {
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        listen: {port: 80}
                    expect:
                      segments:
                        - {from: client, flags: [SYNN]}
                    """,
                    "expect.segments[0].flags",
                    "unknown flag");
            assertBroken(
                    """
                    steps:
                      - at: 0ms
                        listen: {port: 80}
                    expect:
                      segments:
                        - {from: client, flags: [SYN], states: {server: SYN_RCVD}}
                    """,
                    "unknown state 'SYN_RCVD'");
        }

        @Test
        void nameMustMatchFile() {
            assertThatThrownBy(() -> ScenarioParser.parse(
                            "scenarios/other.yaml", HEADER + "steps:\n  - {at: 0ms, listen: {port: 80}}\n"))
                    .hasMessageContaining("scenarios/other.yaml")
                    .hasMessageContaining("must match the file name 'other'");
        }

        @Test
        void invalidYamlSaysWhere() {
            assertBroken("steps:\n  - at: 0ms\n    narration: {en: a: b, zh: c}\n", "not valid YAML at line 6");
        }

        @Test
        void catalogFailsFastNamingTheFile() {
            assertThatThrownBy(() -> new ScenarioCatalog("classpath*:scenarios-broken/*.yaml"))
                    .isInstanceOf(ScenarioFileException.class)
                    .hasMessageContaining("scenarios/broken-example.yaml")
                    .hasMessageContaining("unknown key 'conect'");
        }
    }

    @Test
    void decimalTimesAndUnits() {
        ScenarioDefinition d = parse(
                """
                steps:
                  - {at: 0us, listen: {port: 80}}
                  - {at: 1.5s, listen: {port: 81}}
                  - {at: 2000ms, listen: {port: 82}, name: third}
                """);
        assertThat(d.steps()).extracting(s -> s.atUs(Map.of())).containsExactly(0L, 1_500_000L, 2_000_000L);
        assertThat(d.steps()).extracting(Step::name).containsExactly("listen-1", "listen-2", "third");
    }
}
