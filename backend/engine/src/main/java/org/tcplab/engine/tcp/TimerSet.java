package org.tcplab.engine.tcp;

import java.util.Arrays;

/** A connection's timers as data: one deadline per {@link TimerKind}, {@code Long.MAX_VALUE} when idle. */
final class TimerSet {

    static final long IDLE = Long.MAX_VALUE;
    private static final TimerKind[] KINDS = TimerKind.values();

    private final long[] deadlines = new long[KINDS.length];

    TimerSet() {
        Arrays.fill(deadlines, IDLE);
    }

    long deadline(TimerKind kind) {
        return deadlines[kind.ordinal()];
    }

    boolean armed(TimerKind kind) {
        return deadlines[kind.ordinal()] != IDLE;
    }

    void set(TimerKind kind, long deadline) {
        deadlines[kind.ordinal()] = deadline;
    }

    void clearAll() {
        Arrays.fill(deadlines, IDLE);
    }

    /** The first due timer at {@code nowUs} (lowest ordinal among equals), or null. */
    TimerKind due(long nowUs) {
        TimerKind best = null;
        long bestAt = IDLE;
        for (TimerKind k : KINDS) {
            long at = deadlines[k.ordinal()];
            if (at <= nowUs && at < bestAt) {
                best = k;
                bestAt = at;
            }
        }
        return best;
    }

    long earliest() {
        long min = IDLE;
        for (long d : deadlines) min = Math.min(min, d);
        return min;
    }
}
