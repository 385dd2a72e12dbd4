package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;

/**
 * Every scenario in the library, run in a real {@link Simulation} until nothing is pending: its
 * verdict must pass, i.e. our engine does what the RFC (and its figure) says.
 */
class ScenarioSimulationTest {

    private static final ScenarioCatalog CATALOG = new ScenarioCatalog();
    private final ScenarioRunner runner = new ScenarioRunner();

    static Stream<String> scenarios() {
        return CATALOG.all().stream().map(ScenarioDefinition::name);
    }

    /** A lab built the way the server builds one for a scenario, run to idle. */
    private record Played(ScenarioRun run, EventLog log, Simulation sim) {}

    private Played play(String name, Map<String, Object> params, long seed) {
        ScenarioDefinition def = CATALOG.find(name).orElseThrow();
        EventLog log = new EventLog();
        Simulation sim = new Simulation(runner.configure(def, params, SimConfig.defaults(seed)), log);
        ScenarioRun run = runner.start(def, params, sim);
        assertThat(sim.runUntilIdle(5_000_000)).as(name + " reaches idle").isTrue();
        return new Played(run, log, sim);
    }

    static String describe(List<LoggedEvent> events) {
        return events.stream().map(e -> e.id() + " " + e.event()).collect(Collectors.joining("\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void verdictPassesAgainstTheEngine(String name) {
        Played p = play(name, Map.of(), 1);
        assertThat(p.run().failures()).as(name + " steps").isEmpty();
        assertThat(p.run().running()).isFalse();
        ScenarioVerdict v = p.run().verdict(p.log().all());
        assertThat(v).as(name + " states an expectation").isNotNull();
        assertThat(v.mismatches())
                .as(name + " mismatches; actual segments:\n"
                        + v.actual().stream().map(ActualSegment::describe).collect(Collectors.joining("\n")))
                .isEmpty();
        assertThat(v.passed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void narrationIsEmittedAtEachStepsTime(String name) {
        Played p = play(name, Map.of(), 1);
        ScenarioDefinition def = p.run().definition();
        List<LabEvent.Narration> narrations = p.log().all().stream()
                .map(LoggedEvent::event)
                .filter(LabEvent.Narration.class::isInstance)
                .map(LabEvent.Narration.class::cast)
                .toList();
        List<Step> narrated =
                def.steps().stream().filter(s -> s.narration() != null).toList();
        assertThat(narrations)
                .extracting(LabEvent.Narration::step)
                .containsExactlyElementsOf(narrated.stream().map(Step::name).toList());
        for (int i = 0; i < narrated.size(); i++) {
            assertThat(narrations.get(i).timeUs())
                    .isEqualTo(narrated.get(i).atUs(p.run().params()));
            assertThat(narrations.get(i).en()).doesNotContain("${");
            assertThat(narrations.get(i).zh()).doesNotContain("${");
        }
    }

    @Test
    void sameSeedSameLog() {
        String a = describe(play("lossy-transfer", Map.of(), 7).log().all());
        String b = describe(play("lossy-transfer", Map.of(), 7).log().all());
        assertThat(a).isEqualTo(b);
    }

    @Test
    void otherIsnsAreFollowedByTheExpectation() {
        Played p = play(
                "old-duplicate-syn",
                Map.of("clientIsn", 4_294_967_290L, "oldIsn", 4_294_967_295L, "serverIsn", 7, "serverIsn2", 1_000_000),
                3);
        ScenarioVerdict v = p.run().verdict(p.log().all());
        assertThat(v.mismatches()).isEmpty();
        // the RST is numbered from the old SYN's ISN + 1, which wraps to 0
        assertThat(v.actual()).anyMatch(a -> a.flags().equals(List.of("RST")) && a.seq() == 0);
    }

    @Test
    void twoWayHandshakeDeliversTheOldRequestToTheServerApplication() {
        Played p = play("two-way-handshake-old-duplicate", Map.of(), 1);
        List<LabEvent> events = p.log().all().stream().map(LoggedEvent::event).toList();
        assertThat(events)
                .filteredOn(LabEvent.DataDelivered.class::isInstance)
                .extracting(e -> ((LabEvent.DataDelivered) e).host(), e -> ((LabEvent.DataDelivered) e).bytes())
                .containsExactly(org.assertj.core.groups.Tuple.tuple(HostName.SERVER, 11));
        assertThat(p.sim().host(HostName.SERVER).received(findServerKey(p)))
                .asString()
                .isEqualTo("old request");
    }

    private static org.tcplab.engine.stack.ConnectionKey findServerKey(Played p) {
        var server = p.sim().host(HostName.SERVER);
        return new org.tcplab.engine.stack.ConnectionKey(
                server.address(), 80, p.sim().host(HostName.CLIENT).address(), 40000);
    }

    @Test
    void theAckStormASpoofedByteStartsEndsWithASuppressedChallengeAck() {
        Played p = play("ack-storm", Map.of("latencyMs", 5), 1);
        List<LabEvent> events = p.log().all().stream().map(LoggedEvent::event).toList();
        long injectedAt = 100_000;
        List<LabEvent.SegmentSent> storm = events.stream()
                .filter(LabEvent.SegmentSent.class::isInstance)
                .map(LabEvent.SegmentSent.class::cast)
                .filter(s -> s.timeUs() >= injectedAt && s.timeUs() < 1_000_000)
                .toList();
        // the spoofed byte, the server's ACK, the client's challenge ACK, the server's duplicate ACK: no more
        assertThat(storm)
                .extracting(LabEvent.SegmentSent::from)
                .containsExactly(HostName.CLIENT, HostName.SERVER, HostName.CLIENT, HostName.SERVER);
        assertThat(storm.get(0).note()).isEqualTo("crafted");
        List<LabEvent.AckSuppressed> suppressed = events.stream()
                .filter(LabEvent.AckSuppressed.class::isInstance)
                .map(LabEvent.AckSuppressed.class::cast)
                .toList();
        assertThat(suppressed).singleElement().satisfies(s -> {
            assertThat(s.host()).isEqualTo(HostName.CLIENT);
            assertThat(s.reason()).isEqualTo(LabEvent.AckSuppression.CHALLENGE_ACK_RATE_LIMIT);
            assertThat(s.connection()).isEqualTo(storm.get(0).connection());
        });
        // the narration of the storm's end comes when the suppression happens
        LabEvent.Narration ends = events.stream()
                .filter(e -> e instanceof LabEvent.Narration n && n.step().equals("storm-ends"))
                .map(LabEvent.Narration.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(ends.timeUs()).isEqualTo(suppressed.get(0).timeUs());
        // the hijack: the server's application read the attacker's byte in place of the client's first
        assertThat(p.sim().host(HostName.SERVER).received(findServerKey(p)))
                .asString()
                .isEqualTo("Xello");
    }

    @Test
    void theSameOldDuplicateIsHarmlessWithTheThreeWayHandshake() {
        // the two-way scenario's steps in an ordinary lab: the three-way handshake holds the data back
        ScenarioDefinition def = CATALOG.find("two-way-handshake-old-duplicate").orElseThrow();
        EventLog log = new EventLog();
        Simulation sim = new Simulation(SimConfig.defaults(1), log);
        assertThat(runner.fits(def, Map.of(), sim)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.start(def, Map.of(), sim))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("twoWayHandshake=true");
    }

    @Test
    void aSecondScenarioInTheSameLabIsJudgedOnItsOwnEvents() {
        ScenarioDefinition first = CATALOG.find("closed-port").orElseThrow();
        ScenarioDefinition second = CATALOG.find("three-way-handshake").orElseThrow();
        EventLog log = new EventLog();
        Simulation sim = new Simulation(SimConfig.defaults(5), log);
        ScenarioRun one = runner.start(first, Map.of(), sim);
        assertThat(sim.runUntilIdle(1_000_000)).isTrue();
        sim.runUntil(sim.nowUs() + 2_000_000);
        ScenarioRun two = runner.start(second, Map.of(), sim);
        assertThat(two.startUs()).isGreaterThan(0);
        assertThat(sim.runUntilIdle(1_000_000)).isTrue();
        assertThat(two.failures()).isEmpty();
        assertThat(two.verdict(log.all()).mismatches()).isEmpty();
        assertThat(one.verdict(log.all()).passed())
                .as("the first run now sees the second's segments too")
                .isFalse();
    }

    @Test
    void aStepTheLabRefusesIsReportedNotThrown() {
        ScenarioDefinition def = CATALOG.find("three-way-handshake").orElseThrow();
        EventLog log = new EventLog();
        Simulation sim = new Simulation(SimConfig.defaults(5), log);
        sim.listen(HostName.SERVER, 80);
        sim.connect(HostName.CLIENT, 40000, 80, null, null, false);
        ScenarioRun run = runner.start(def, Map.of(), sim);
        assertThat(sim.runUntilIdle(1_000_000)).isTrue();
        assertThat(run.failures()).hasSize(2);
        assertThat(run.failures().get(0)).startsWith("scenario three-way-handshake, step 'syn' failed: ");
        assertThat(run.failures().get(1))
                .isEqualTo("scenario three-way-handshake, step 'data' failed: connection 'c' was not opened");
        assertThat(log.all())
                .anyMatch(e -> e.event() instanceof LabEvent.Note n && n.text().contains("step 'syn' failed"));
        assertThat(run.verdict(log.all()).passed()).isFalse();
    }

    /**
     * Every sequence-number parameter moved so that the scenario's numbers cross 2^32 (RFC 9293 §3.4:
     * all arithmetic is modulo 2^32): the expectations follow the parameters and the engine must too.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void verdictPassesWhenSequenceNumbersWrapAround(String name) {
        ScenarioDefinition def = CATALOG.find(name).orElseThrow();
        Map<String, Object> params = new java.util.LinkedHashMap<>();
        for (ParamSpec p : def.params()) {
            if (p.type().equals("seq")) params.put(p.name(), (p.defaultValue() - 200 + (1L << 32)) % (1L << 32));
        }
        Played p = play(name, params, 11);
        ScenarioVerdict v = p.run().verdict(p.log().all());
        assertThat(v.mismatches())
                .as(name + " with " + params + "; actual:\n"
                        + v.actual().stream().map(ActualSegment::describe).collect(Collectors.joining("\n")))
                .isEmpty();
    }
}
