package org.tcplab.engine.tcp;

import java.util.Arrays;

/**
 * A connection's timers as data: one deadline per {@link TimerKind}, {@code Long.MAX_VALUE} when
 * idle. The array exists only while some timer is armed, so an idle connection pays 16 bytes here.
 */
final class TimerSet {

    static final long IDLE = Long.MAX_VALUE;
    private static final TimerKind[] KINDS = TimerKind.values();

    private long[] deadlines;

    long deadline(TimerKind kind) {
        return deadlines == null ? IDLE : deadlines[kind.ordinal()];
    }

    boolean armed(TimerKind kind) {
        return deadline(kind) != IDLE;
    }

    void set(TimerKind kind, long deadline) {
        if (deadlines == null) {
            if (deadline == IDLE) return;
            deadlines = new long[KINDS.length];
            Arrays.fill(deadlines, IDLE);
        }
        deadlines[kind.ordinal()] = deadline;
        if (deadline == IDLE && earliest() == IDLE) deadlines = null;
    }

    void clearAll() {
        deadlines = null;
    }

    long earliest() {
        if (deadlines == null) return IDLE;
        long min = IDLE;
        for (long d : deadlines) min = Math.min(min, d);
        return min;
    }
}
