package org.tcplab.server.scenario;

import java.util.List;

/**
 * The RFC's expectation against what happened. Serialises to JSON as is (the lab snapshot's
 * {@code scenario.verdict}).
 *
 * @param match {@code exact} (these segments and no others) or {@code subsequence}, as the scenario says
 * @param mismatches every difference in plain words; empty exactly when {@code passed}
 */
public record ScenarioVerdict(
        boolean passed,
        String match,
        List<ExpectedSegment> expected,
        List<ActualSegment> actual,
        List<String> mismatches) {

    public ScenarioVerdict {
        expected = List.copyOf(expected);
        actual = List.copyOf(actual);
        mismatches = List.copyOf(mismatches);
    }

    static String ms(double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : Double.toString(ms);
    }
}
