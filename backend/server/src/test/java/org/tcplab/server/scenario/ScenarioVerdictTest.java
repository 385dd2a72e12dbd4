package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.WireSegment;

/**
 * The verdict against hand-written logs (what the engine would emit), so the comparison itself is
 * tested without the engine: the RFC's figure 6 passes; each kind of deviation is named in words.
 */
class ScenarioVerdictTest {

    private final ScenarioCatalog catalog = new ScenarioCatalog();
    private final ScenarioRunner runner = new ScenarioRunner();

    /** Builds a log as the lab would: ids 1, 2, 3, ... */
    private static final class Log {
        final List<LoggedEvent> events = new ArrayList<>();
        long segmentId;
        int clientPort = 40000;
        int serverPort = 80;

        long sent(long ms, HostName from, List<String> flags, long seq, long ack, int len, boolean retransmission) {
            int src = from == HostName.CLIENT ? clientPort : serverPort;
            int dst = from == HostName.CLIENT ? serverPort : clientPort;
            WireSegment w = new WireSegment(
                    "192.0.2.1",
                    "192.0.2.2",
                    src,
                    dst,
                    seq,
                    ack,
                    5,
                    flags,
                    65535,
                    0,
                    true,
                    0,
                    List.of(),
                    len,
                    "",
                    "",
                    null);
            add(new LabEvent.SegmentSent(
                    ms * 1000, "1", ++segmentId, from, from.other(), retransmission, false, w, null));
            return segmentId;
        }

        void dropped(long ms, long id) {
            add(new LabEvent.SegmentDropped(ms * 1000, "1", id, null, "fault"));
        }

        void state(long ms, HostName host, TcpState from, TcpState to) {
            add(new LabEvent.StateChanged(ms * 1000, "1", host, from, to, "test"));
        }

        void data(long ms, HostName host, int bytes) {
            add(new LabEvent.DataDelivered(ms * 1000, "1", host, bytes, bytes));
        }

        void add(LabEvent e) {
            events.add(new LoggedEvent(events.size() + 1, e));
        }
    }

    private static final HostName C = HostName.CLIENT;
    private static final HostName S = HostName.SERVER;

    /** RFC 9293 figure 6 with line 5's data and its ACK, as a correct stack logs it. */
    private static Log figure6(boolean rstInsteadOfAck) {
        Log log = new Log();
        log.state(0, C, TcpState.CLOSED, TcpState.SYN_SENT);
        log.sent(0, C, List.of("SYN"), 100, 0, 0, false);
        log.state(10, S, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        log.sent(10, S, List.of("ACK", "SYN"), 300, 101, 0, false);
        if (rstInsteadOfAck) {
            log.sent(20, C, List.of("RST"), 101, 0, 0, false);
            return log;
        }
        log.state(20, C, TcpState.SYN_SENT, TcpState.ESTABLISHED);
        log.sent(20, C, List.of("ACK"), 101, 301, 0, false);
        log.state(30, S, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        log.sent(50, C, List.of("ACK", "PSH"), 101, 301, 5, false);
        log.data(60, S, 5);
        log.sent(100, S, List.of("ACK"), 301, 106, 0, false);
        return log;
    }

    private ScenarioRun run(String name, Map<String, Object> params) {
        ScenarioDefinition def = catalog.find(name).orElseThrow();
        return new ScenarioRun(def, runner.resolveParams(def, params), 0);
    }

    @Test
    void figure6AsTheRfcDrawsItPasses() {
        ScenarioVerdict v = run("three-way-handshake", Map.of()).verdict(figure6(false).events);
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.passed()).isTrue();
        assertThat(v.expected()).hasSize(5);
        assertThat(v.expected().get(1).ack()).isEqualTo(101L);
        assertThat(v.actual()).hasSize(5);
        assertThat(v.actual().get(2).ack()).isEqualTo(301L);
        assertThat(v.actual().get(0).ack()).as("no ACK flag, no ack number").isNull();
    }

    @Test
    void wrongSegmentIsNamedInPlainWords() {
        ScenarioVerdict v = run("three-way-handshake", Map.of()).verdict(figure6(true).events);
        assertThat(v.passed()).isFalse();
        assertThat(v.mismatches())
                .contains(
                        "segment 3: expected client ACK seq=101 ack=301 len=0, got client RST seq=101 win=65535 at 20ms",
                        "segment 4: expected client ACK seq=101 ack=301 len=5, got nothing");
        assertThat(v.mismatches())
                .anyMatch(m -> m.startsWith(
                        "segment 2: expected client to reach ESTABLISHED; its states went CLOSED -> SYN_SENT"));
        assertThat(v.mismatches()).contains("server's application received 0 bytes, expected 5");
    }

    @Test
    void parametersChangeTheExpectation() {
        ScenarioVerdict v =
                run("three-way-handshake", Map.of("clientIsn", 4_294_967_295L)).verdict(figure6(false).events);
        assertThat(v.expected().get(1).ack()).as("ISN + 1 wraps around 2^32").isEqualTo(0L);
        assertThat(v.passed()).isFalse();
        assertThat(v.mismatches().get(0))
                .startsWith("segment 1: expected client SYN seq=4294967295, got client SYN seq=100");
    }

    @Test
    void extraSegmentsFailAnExactExpectation() {
        Log log = figure6(false);
        log.sent(200, C, List.of("ACK"), 106, 301, 0, false);
        ScenarioVerdict v = run("three-way-handshake", Map.of()).verdict(log.events);
        assertThat(v.mismatches())
                .containsExactly("segment 6: expected nothing more, got client ACK seq=106 ack=301 win=65535 at 200ms");
    }

    @Test
    void segmentsOfTheSameInstantMayComeInEitherOrder() {
        Log log = new Log();
        log.clientPort = 5000;
        log.serverPort = 6000;
        log.state(0, S, TcpState.CLOSED, TcpState.SYN_SENT);
        log.sent(0, S, List.of("SYN"), 300, 0, 0, false);
        log.state(0, C, TcpState.CLOSED, TcpState.SYN_SENT);
        log.sent(0, C, List.of("SYN"), 100, 0, 0, false);
        log.state(10, C, TcpState.SYN_SENT, TcpState.SYN_RECEIVED);
        log.sent(10, C, List.of("ACK", "SYN"), 100, 301, 0, false);
        log.state(10, S, TcpState.SYN_SENT, TcpState.SYN_RECEIVED);
        log.sent(10, S, List.of("ACK", "SYN"), 300, 101, 0, false);
        log.state(20, C, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        log.state(20, S, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        ScenarioVerdict v = run("simultaneous-open", Map.of()).verdict(log.events);
        assertThat(v.mismatches()).isEmpty();
        // but not across instants
        Log late = new Log();
        late.clientPort = 5000;
        late.serverPort = 6000;
        late.sent(0, C, List.of("SYN"), 100, 0, 0, false);
        late.sent(5, S, List.of("SYN"), 300, 0, 0, false);
        late.sent(10, S, List.of("ACK", "SYN"), 300, 101, 0, false);
        late.sent(12, C, List.of("ACK", "SYN"), 100, 301, 0, false);
        assertThat(run("simultaneous-open", Map.of()).verdict(late.events).mismatches())
                .contains(
                        "segment 3: expected client ACK,SYN seq=100 ack=301, got server ACK,SYN seq=300 ack=101 win=65535 at 10ms");
    }

    @Test
    void subsequenceAllowsSegmentsInBetweenAndChecksDropsAndRetransmissions() {
        Log log = new Log();
        log.state(0, C, TcpState.CLOSED, TcpState.SYN_SENT);
        log.sent(0, C, List.of("SYN"), 100, 0, 0, false);
        log.state(10, S, TcpState.LISTEN, TcpState.SYN_RECEIVED);
        log.dropped(10, log.sent(10, S, List.of("ACK", "SYN"), 300, 101, 0, false));
        log.sent(1000, C, List.of("SYN"), 100, 0, 0, true);
        log.sent(1010, S, List.of("ACK"), 301, 101, 0, false);
        log.sent(1010, S, List.of("ACK", "SYN"), 300, 101, 0, true);
        log.state(1020, C, TcpState.SYN_SENT, TcpState.ESTABLISHED);
        log.sent(1020, C, List.of("ACK"), 101, 301, 0, false);
        log.state(1030, S, TcpState.SYN_RECEIVED, TcpState.ESTABLISHED);
        ScenarioVerdict v = run("syn-ack-lost", Map.of()).verdict(log.events);
        assertThat(v.mismatches()).isEmpty();
        assertThat(v.actual().get(1).dropped()).isTrue();
        assertThat(v.actual().get(1).dropReason()).isEqualTo("fault");

        Log noRetransmission = new Log();
        noRetransmission.sent(0, C, List.of("SYN"), 100, 0, 0, false);
        noRetransmission.sent(10, S, List.of("ACK", "SYN"), 300, 101, 0, false);
        ScenarioVerdict bad = run("syn-ack-lost", Map.of()).verdict(noRetransmission.events);
        assertThat(bad.mismatches())
                .first()
                .asString()
                .startsWith(
                        "segment 2: expected server ACK,SYN seq=300 ack=101 (dropped), not sent after client SYN seq=100");
    }

    @Test
    void timesAreCheckedWhereTheScenarioGivesThem() {
        Log log = new Log();
        log.state(0, C, TcpState.CLOSED, TcpState.SYN_SENT);
        long[] at = {0, 1000, 3000, 6000};
        for (int i = 0; i < at.length; i++) {
            long id = log.sent(at[i], C, List.of("SYN"), 100, 0, 0, i > 0);
            if (i < 3) log.dropped(at[i], id);
        }
        ScenarioVerdict v = run("syn-lost", Map.of()).verdict(log.events);
        assertThat(v.mismatches())
                .contains(
                        "segment 4: expected client SYN seq=100 (retransmission) at 7000ms, got client SYN seq=100 win=65535 (retransmission) at 6000ms");
    }

    @Test
    void eventsBeforeTheRunAndOnOtherPortsAreIgnored() {
        Log log = new Log();
        log.sent(0, C, List.of("SYN"), 5, 0, 0, false); // an earlier experiment in the same lab
        List<LoggedEvent> shifted = new ArrayList<>(log.events);
        for (LoggedEvent e : figure6(false).events) {
            shifted.add(new LoggedEvent(shifted.size() + 1, shift(e.event(), 1_000_000)));
        }
        ScenarioDefinition def = catalog.find("three-way-handshake").orElseThrow();
        ScenarioRun run = new ScenarioRun(def, runner.resolveParams(def, Map.of()), 1_000_000);
        assertThat(run.verdict(shifted).mismatches()).isEmpty();
    }

    private static LabEvent shift(LabEvent e, long us) {
        if (e instanceof LabEvent.SegmentSent s) {
            return new LabEvent.SegmentSent(
                    s.timeUs() + us,
                    s.connection(),
                    s.segmentId(),
                    s.from(),
                    s.to(),
                    s.retransmission(),
                    s.probe(),
                    s.segment(),
                    s.note());
        }
        if (e instanceof LabEvent.StateChanged s) {
            return new LabEvent.StateChanged(s.timeUs() + us, s.connection(), s.host(), s.from(), s.to(), s.cause());
        }
        if (e instanceof LabEvent.DataDelivered d) {
            return new LabEvent.DataDelivered(d.timeUs() + us, d.connection(), d.host(), d.bytes(), d.total());
        }
        throw new IllegalArgumentException(e.toString());
    }

    @Test
    void noExpectationNoVerdict() {
        ScenarioDefinition def = ScenarioParser.parse(
                "scenarios/free.yaml",
                """
                name: free
                title: {en: Free, zh: 自由}
                description: {en: No expectation, zh: 没有预期}
                steps:
                  - {at: 0ms, listen: {port: 80}}
                """);
        assertThat(new ScenarioRun(def, Map.of(), 0).verdict(List.of())).isNull();
    }
}
