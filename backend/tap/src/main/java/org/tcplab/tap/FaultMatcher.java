package org.tcplab.tap;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.wire.TcpFlags;

/**
 * Decides which fault rule, if any, acts on a segment crossing the tap (lab-api.md POST /faults):
 * rules are tried in the order they were added; a rule's candidates are the segments in its
 * direction matching its flags, onlyFlags and connection; it acts from its {@code nth} candidate on,
 * at most {@code count} times (0: no limit), each time with {@code probability} (1: always, 0: never,
 * in between a draw from the lab's seeded source). The first rule that acts wins. The same rules as
 * the simulator's {@code FaultyLink}, which is bound to the virtual scheduler. Used by one thread.
 */
final class FaultMatcher {

    private final Map<Integer, RuleState> rules = new LinkedHashMap<>();
    private final SplittableRandom random;
    private int nextId = 1;

    FaultMatcher(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private static final class RuleState {
        final FaultRule rule;
        long candidates;
        long acted;

        RuleState(FaultRule rule) {
            this.rule = rule;
        }
    }

    FaultRule add(FaultRule rule) {
        validate(rule);
        FaultRule withId = rule.withId(nextId++);
        rules.put(withId.id(), new RuleState(withId));
        return withId;
    }

    /** The simulator's checks and messages (the server maps IllegalArgumentException to 400). */
    private static void validate(FaultRule r) {
        if (r.direction() == null) throw new IllegalArgumentException("direction is required");
        if (r.action() == null) throw new IllegalArgumentException("action is required");
        if (r.nth() < 0) throw new IllegalArgumentException("match.nth must be at least 1: " + r.nth());
        if (r.count() < 0) throw new IllegalArgumentException("match.count must not be negative: " + r.count());
        if (!(r.probability() >= 0 && r.probability() <= 1)) {
            throw new IllegalArgumentException("match.probability must be between 0 and 1: " + r.probability());
        }
        if (r.delayUs() < 0) throw new IllegalArgumentException("delayMs must not be negative: " + r.delayUs());
    }

    /** A seeded draw in [0, bound), for choosing which bit a corrupt fault flips. */
    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean remove(int id) {
        return rules.remove(id) != null;
    }

    List<FaultRule> rules() {
        List<FaultRule> out = new ArrayList<>();
        for (RuleState s : rules.values()) {
            out.add(s.rule);
        }
        return out;
    }

    /** The rule acting on a segment sent by {@code from} with {@code flags} on {@code connection}, or null. */
    FaultRule match(HostName from, TcpFlags flags, String connection) {
        for (Iterator<RuleState> it = rules.values().iterator(); it.hasNext(); ) {
            RuleState s = it.next();
            FaultRule r = s.rule;
            if (!r.direction().covers(from)) continue;
            if (r.flags() != null && !flags.hasAll(r.flags())) continue;
            if (r.onlyFlags() != null && flags.bits() != r.onlyFlags().bits()) continue;
            if (r.connection() != null && !r.connection().equals(connection)) continue;
            s.candidates++;
            if (s.candidates < Math.max(1, r.nth())) continue;
            if (r.count() > 0 && s.acted >= r.count()) continue;
            double p = r.probability();
            if (p <= 0 || (p < 1 && random.nextDouble() >= p)) continue;
            s.acted++;
            return r;
        }
        return null;
    }
}
