package org.tcplab.server.scenario;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpHeaderFields;

/**
 * Compares an {@link Expectation} with a lab log: the {@code segment.sent} events of the run's ports
 * since it started, in order, then the states, data and timers. Every difference becomes one
 * sentence a student can read next to the sequence diagram.
 */
final class Verifier {

    private final Expectation expectation;
    private final Map<String, Long> params;
    private final long startUs;
    private final Set<Integer> ports;
    private final List<String> stepFailures;

    Verifier(
            Expectation expectation,
            Map<String, Long> params,
            long startUs,
            Set<Integer> ports,
            List<String> stepFailures) {
        this.expectation = expectation;
        this.params = params;
        this.startUs = startUs;
        this.ports = ports;
        this.stepFailures = stepFailures;
    }

    ScenarioVerdict verdict(List<LoggedEvent> log) {
        List<ExpectedSegment> expected = expected();
        List<ActualSegment> actual = actual(log);
        List<String> mismatches = new ArrayList<>(stepFailures);
        // matched[i]: the actual segment expected segment i matched, or null
        ActualSegment[] matched = expectation.exact()
                ? matchExact(expected, actual, mismatches)
                : matchInOrder(expected, actual, mismatches);
        checkStates(expected, matched, log, mismatches);
        checkData(log, mismatches);
        checkTimers(log, mismatches);
        return new ScenarioVerdict(
                mismatches.isEmpty(), expectation.exact() ? "exact" : "subsequence", expected, actual, mismatches);
    }

    private List<ExpectedSegment> expected() {
        List<ExpectedSegment> out = new ArrayList<>();
        int index = 1;
        for (Expectation.Seg s : expectation.segments()) {
            out.add(new ExpectedSegment(
                    index++,
                    s.from().id(),
                    s.flags(),
                    s.seq() == null ? null : s.seq().eval(params) & ParamSpec.SEQ_MAX,
                    s.ack() == null ? null : s.ack().eval(params) & ParamSpec.SEQ_MAX,
                    s.length() == null ? null : (int) s.length().eval(params),
                    s.window() == null ? null : (int) s.window().eval(params),
                    s.retransmission(),
                    s.dropped(),
                    s.atMs() == null ? null : (double) s.atMs().eval(params) + startUs / 1000.0,
                    s.states().stream()
                            .map(x -> new ExpectedSegment.ExpectedState(
                                    x.host().id(), x.state().name()))
                            .toList()));
        }
        return out;
    }

    private List<ActualSegment> actual(List<LoggedEvent> log) {
        Map<Long, String> dropped = new LinkedHashMap<>();
        for (LoggedEvent e : log) {
            if (e.event() instanceof LabEvent.SegmentDropped d) dropped.putIfAbsent(d.segmentId(), d.reason());
        }
        List<ActualSegment> out = new ArrayList<>();
        for (LoggedEvent e : log) {
            if (e.event() instanceof LabEvent.SegmentSent s && s.timeUs() >= startUs) {
                TcpHeaderFields w = s.header();
                if (!ports.contains(w.srcPort()) || !ports.contains(w.dstPort())) continue;
                boolean ack = w.flags().ack();
                out.add(new ActualSegment(
                        out.size() + 1,
                        e.id(),
                        s.timeUs() / 1000.0,
                        s.from().id(),
                        w.flags().names(),
                        w.seq(),
                        ack ? w.ack() : null,
                        w.payloadLength(),
                        w.window(),
                        s.retransmission(),
                        dropped.containsKey(s.segmentId()),
                        dropped.get(s.segmentId()),
                        s.note()));
            }
        }
        return out;
    }

    static boolean matches(ExpectedSegment e, ActualSegment a) {
        if (!e.from().equals(a.from())) return false;
        // PSH is the sender's choice (RFC 9293 §3.9.1.2): compare it only when the expectation names it
        TcpFlags want = TcpFlags.parse(e.flags());
        TcpFlags got = TcpFlags.parse(a.flags());
        if (!want.has(TcpFlag.PSH)) got = got.without(TcpFlag.PSH);
        if (!got.equals(want)) return false;
        if (e.seq() != null && e.seq() != a.seq()) return false;
        if (e.ack() != null && !e.ack().equals(a.ack())) return false;
        if (e.length() != null && e.length() != a.length()) return false;
        if (e.window() != null && e.window() != a.window()) return false;
        if (e.retransmission() != null && e.retransmission() != a.retransmission()) return false;
        if (e.dropped() != null && e.dropped() != a.dropped()) return false;
        return e.time() == null || Math.abs(e.time() - a.time()) < 0.0005;
    }

    /**
     * Position by position; segments sent at the same virtual instant by the two hosts have no order
     * of their own (figure 7's crossing SYNs), so one from later in that instant may stand in.
     */
    private static ActualSegment[] matchExact(
            List<ExpectedSegment> expected, List<ActualSegment> actual, List<String> out) {
        List<ActualSegment> order = new ArrayList<>(actual);
        ActualSegment[] matched = new ActualSegment[expected.size()];
        for (int i = 0; i < Math.max(expected.size(), order.size()); i++) {
            if (i >= expected.size()) {
                out.add("segment " + (i + 1) + ": expected nothing more, got "
                        + order.get(i).describe());
                continue;
            }
            ExpectedSegment e = expected.get(i);
            if (i >= order.size()) {
                out.add("segment " + (i + 1) + ": expected " + e.describe() + ", got nothing");
                continue;
            }
            ActualSegment a = order.get(i);
            if (!matches(e, a)) {
                for (int j = i + 1; j < order.size() && order.get(j).time() == a.time(); j++) {
                    if (matches(e, order.get(j))) {
                        order.add(i, order.remove(j));
                        a = order.get(i);
                        break;
                    }
                }
            }
            if (matches(e, a)) matched[i] = a;
            else out.add("segment " + (i + 1) + ": expected " + e.describe() + ", got " + a.describe());
        }
        return matched;
    }

    /** Each expected segment must come after the previous one matched; other segments may come between. */
    private static ActualSegment[] matchInOrder(
            List<ExpectedSegment> expected, List<ActualSegment> actual, List<String> out) {
        ActualSegment[] matched = new ActualSegment[expected.size()];
        int from = 0;
        for (int i = 0; i < expected.size(); i++) {
            ExpectedSegment e = expected.get(i);
            int found = -1;
            for (int j = from; j < actual.size(); j++) {
                if (matches(e, actual.get(j))) {
                    found = j;
                    break;
                }
            }
            if (found >= 0) {
                matched[i] = actual.get(found);
                from = found + 1;
            } else {
                String after = from == 0 ? "" : " after " + actual.get(from - 1).describe();
                out.add("segment " + (i + 1) + ": expected " + e.describe() + ", not sent" + after);
            }
        }
        return matched;
    }

    /**
     * The states listed with segment i must be reached, in order per host, after segment i-1 was sent
     * (the sender's state when it sends, the receiver's once it has processed it, as the RFC figures'
     * columns show). Per host, each state must come after the one listed before it.
     */
    private void checkStates(
            List<ExpectedSegment> expected, ActualSegment[] matched, List<LoggedEvent> log, List<String> out) {
        Map<HostName, Long> cursor = new EnumMap<>(HostName.class);
        for (int i = 0; i < expected.size(); i++) {
            long lowerBound = lowerBound(matched, i);
            for (ExpectedSegment.ExpectedState st : expected.get(i).states()) {
                HostName host = HostName.parse(st.host());
                long after = Math.max(lowerBound, cursor.getOrDefault(host, 0L));
                Long found = null;
                for (LoggedEvent e : log) {
                    if (e.id() > after
                            && e.event() instanceof LabEvent.StateChanged sc
                            && sc.timeUs() >= startUs
                            && sc.host() == host
                            && sc.to().name().equals(st.state())) {
                        found = e.id();
                        break;
                    }
                }
                if (found != null) {
                    cursor.put(host, found);
                } else {
                    out.add("segment " + (i + 1) + ": expected " + st.host() + " to reach " + st.state()
                            + "; its states went " + statesOf(host, log));
                }
            }
        }
    }

    /**
     * Where the search for segment i's states starts: after the previous matched segment, or, when that
     * one went out at the same instant as segment i (crossing segments), after the last one before it.
     */
    private static long lowerBound(ActualSegment[] matched, int i) {
        ActualSegment self = matched[i];
        for (int j = i - 1; j >= 0; j--) {
            if (matched[j] == null) continue;
            if (self == null || matched[j].time() < self.time()) return matched[j].eventId();
        }
        return 0;
    }

    private String statesOf(HostName host, List<LoggedEvent> log) {
        List<String> path = new ArrayList<>();
        for (LoggedEvent e : log) {
            if (e.event() instanceof LabEvent.StateChanged sc && sc.timeUs() >= startUs && sc.host() == host) {
                if (path.isEmpty()) path.add(sc.from().name());
                path.add(sc.to().name());
            }
        }
        return path.isEmpty() ? "nowhere (no state changes)" : String.join(" -> ", path);
    }

    private void checkData(List<LoggedEvent> log, List<String> out) {
        for (Map.Entry<HostName, Expr> want : expectation.data().entrySet()) {
            long got = 0;
            for (LoggedEvent e : log) {
                if (e.event() instanceof LabEvent.DataDelivered d
                        && d.timeUs() >= startUs
                        && d.host() == want.getKey()) {
                    got += d.bytes();
                }
            }
            long expected = want.getValue().eval(params);
            if (got != expected) {
                out.add(want.getKey().id() + "'s application received " + got + " bytes, expected " + expected);
            }
        }
    }

    private void checkTimers(List<LoggedEvent> log, List<String> out) {
        Map<HostName, Long> cursor = new EnumMap<>(HostName.class);
        for (Expectation.TimerExp t : expectation.timers()) {
            long after = cursor.getOrDefault(t.host(), 0L);
            Long found = null;
            for (LoggedEvent e : log) {
                if (e.id() > after
                        && e.event() instanceof LabEvent.TimerChanged tc
                        && tc.timeUs() >= startUs
                        && tc.host() == t.host()
                        && tc.timer().id().equals(t.timer())
                        && tc.action().id().equals(t.action())) {
                    found = e.id();
                    break;
                }
            }
            if (found != null) {
                cursor.put(t.host(), found);
            } else {
                out.add("expected " + t.host().id() + "'s " + t.timer() + " timer to be " + t.action()
                        + (after > 0 ? " (after event " + after + ")" : "") + ", it was not; its " + t.timer()
                        + " timer went: "
                        + timersOf(t.host(), t.timer(), log));
            }
        }
    }

    private String timersOf(HostName host, String timer, List<LoggedEvent> log) {
        String s = log.stream()
                .filter(e -> e.event() instanceof LabEvent.TimerChanged tc
                        && tc.timeUs() >= startUs
                        && tc.host() == host
                        && tc.timer().id().equals(timer))
                .map(e -> {
                    LabEvent.TimerChanged tc = (LabEvent.TimerChanged) e.event();
                    return tc.action().id() + "@" + ScenarioVerdict.ms(tc.timeUs() / 1000.0) + "ms";
                })
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "no events" : s;
    }
}
