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
 * at most {@code count} times (0: no limit), each time with {@code probability} drawn from the lab's
 * seeded random source (0 or 1: always). The first rule that acts wins. Used by one thread.
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
        FaultRule withId = rule.withId(nextId++);
        rules.put(withId.id(), new RuleState(withId));
        return withId;
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
            if (r.direction() != null && !r.direction().covers(from)) continue;
            if (r.flags() != null && !flags.hasAll(r.flags())) continue;
            if (r.onlyFlags() != null && flags.bits() != r.onlyFlags().bits()) continue;
            if (r.connection() != null && !r.connection().equals(connection)) continue;
            s.candidates++;
            if (s.candidates < Math.max(1, r.nth())) continue;
            if (r.count() > 0 && s.acted >= r.count()) continue;
            double p = r.probability();
            if (p > 0 && p < 1 && random.nextDouble() >= p) continue;
            s.acted++;
            return r;
        }
        return null;
    }
}
