package org.tcplab.engine.link;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpFlags;

/**
 * A lab's fault rules and the state that decides which segment each acts on (lab-api.md POST
 * /faults). Shared by the simulated link ({@link FaultyLink}) and the TAP driver, so a rule means
 * the same thing in both; what a rule then does to the segment is each driver's business.
 *
 * <p>Rules are tried in id order. A rule's candidates are the segments in its direction that have
 * all of its {@code flags}, exactly its {@code onlyFlags} and its {@code connection}; it acts from
 * its {@code nth} candidate on, at most {@code count} times (0: no limit), each time with
 * {@code probability} (1: always, 0: never; in between a draw from the seeded source, made only for
 * candidates so that other rules' draws do not shift). The first rule that acts wins; the rules
 * after it do not see the segment. Single-threaded; the owner serialises calls.
 */
public final class FaultRules {

    private final SplittableRandom random;
    private final TreeMap<Integer, RuleState> rules = new TreeMap<>();
    private int nextId = 1;

    /** @param random the lab's seeded source for probabilities (its owner may draw from it too) */
    public FaultRules(SplittableRandom random) {
        this.random = random;
    }

    /** Validates the rule, gives it the next id (1, 2, ...) and returns it. */
    public FaultRule add(FaultRule rule) {
        validate(rule);
        FaultRule withId = rule.withId(nextId++);
        rules.put(withId.id(), new RuleState(withId));
        return withId;
    }

    public boolean remove(int id) {
        return rules.remove(id) != null;
    }

    public List<FaultRule> rules() {
        List<FaultRule> out = new ArrayList<>(rules.size());
        for (RuleState s : rules.values()) out.add(s.rule);
        return List.copyOf(out);
    }

    /**
     * The rule that acts on a segment {@code from} sends with {@code flags} on {@code connection}
     * (null if none); counts the segment as a candidate of every rule tried on the way.
     */
    public FaultRule match(HostName from, TcpFlags flags, String connection) {
        for (RuleState s : rules.values()) {
            if (s.acts(from, flags, connection)) {
                s.acted++;
                return s.rule;
            }
        }
        return null;
    }

    /** The checks the server turns into 400s naming the field (the lab API's names). */
    private static void validate(FaultRule r) {
        if (r.direction() == null) bad("direction", "direction is required");
        if (r.action() == null) bad("action", "action is required");
        if (r.nth() < 0) bad("match.nth", "match.nth must be at least 1: " + r.nth());
        if (r.count() < 0) bad("match.count", "match.count must not be negative: " + r.count());
        if (!(r.probability() >= 0 && r.probability() <= 1)) {
            bad("match.probability", "match.probability must be between 0 and 1: " + r.probability());
        }
        if (r.delayUs() < 0) bad("delayMs", "delayMs must not be negative: " + r.delayUs());
    }

    private static void bad(String field, String message) {
        throw new InvalidArgumentException(field, message);
    }

    private final class RuleState {
        final FaultRule rule;
        long candidates;
        long acted;

        RuleState(FaultRule rule) {
            this.rule = rule;
        }

        boolean acts(HostName from, TcpFlags flags, String connection) {
            if (!rule.direction().covers(from)) return false;
            if (rule.connection() != null && !rule.connection().equals(connection)) return false;
            if (rule.flags() != null && !flags.hasAll(rule.flags())) return false;
            if (rule.onlyFlags() != null && !flags.equals(rule.onlyFlags())) return false;
            candidates++;
            if (candidates < Math.max(1, rule.nth())) return false;
            if (rule.count() > 0 && acted >= rule.count()) return false;
            double p = rule.probability();
            if (p >= 1) return true;
            if (p <= 0) return false;
            return random.nextDouble() < p;
        }
    }
}
