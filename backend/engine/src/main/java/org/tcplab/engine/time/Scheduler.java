package org.tcplab.engine.time;

import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * A discrete-event scheduler on a virtual clock in microseconds (style principle 9: the simulator
 * jumps from one deadline to the next instead of waiting). Occurrences run in time order and, at
 * equal times, in the order they were scheduled, so a run replays exactly. Single-threaded.
 *
 * <p>The clock moves only when an occurrence runs or {@link #runUntil} is called, never backwards.
 */
public final class Scheduler {

    private static final Comparator<Handle> ORDER =
            Comparator.comparingLong((Handle h) -> h.atUs).thenComparingLong(h -> h.order);

    private final PriorityQueue<Handle> queue = new PriorityQueue<>(ORDER);
    private long nowUs;
    private long scheduled;
    private long executed;

    public long nowUs() {
        return nowUs;
    }

    /** How many occurrences have run so far (a cheap progress measure for tests and benchmarks). */
    public long executed() {
        return executed;
    }

    /** Runs {@code action} at {@code atUs}; a time in the past is refused because the clock cannot go back. */
    public Handle schedule(long atUs, Runnable action) {
        if (atUs < nowUs) {
            throw new IllegalArgumentException("cannot schedule at " + atUs + " us, the clock is at " + nowUs + " us");
        }
        Handle h = new Handle(atUs, scheduled++, action);
        queue.add(h);
        return h;
    }

    /** The time of the next pending occurrence, or {@link Long#MAX_VALUE} if none. */
    public long nextEventUs() {
        Handle h = peek();
        return h == null ? Long.MAX_VALUE : h.atUs;
    }

    public boolean idle() {
        return peek() == null;
    }

    /** Runs the next pending occurrence, moving the clock to its time; false if nothing is pending. */
    public boolean step() {
        Handle h = peek();
        if (h == null) return false;
        queue.poll();
        h.state = Handle.RAN;
        nowUs = h.atUs;
        executed++;
        h.action.run();
        return true;
    }

    /** Runs until nothing is pending; false if {@code maxSteps} occurrences ran and more are pending. */
    public boolean runUntilIdle(long maxSteps) {
        for (long i = 0; i < maxSteps; i++) {
            if (!step()) return true;
        }
        return idle();
    }

    /**
     * Runs everything due at or before {@code timeUs}, then sets the clock to it (if it is ahead).
     * Stops on an empty queue whatever {@code timeUs} is: {@link #nextEventUs()} reads
     * {@link Long#MAX_VALUE} then, which compared with {@code timeUs = Long.MAX_VALUE} once spun forever.
     */
    public void runUntil(long timeUs) {
        for (Handle h = peek(); h != null && h.atUs <= timeUs; h = peek()) {
            step();
        }
        if (timeUs > nowUs) nowUs = timeUs;
    }

    private Handle peek() {
        // Cancelled occurrences stay in the heap until they surface: O(1) cancel, no reordering.
        Handle h = queue.peek();
        while (h != null && h.state == Handle.CANCELLED) {
            queue.poll();
            h = queue.peek();
        }
        return h;
    }

    /** One scheduled occurrence; cancelling it is harmless after it ran. */
    public static final class Handle {
        private static final int PENDING = 0;
        private static final int RAN = 1;
        private static final int CANCELLED = 2;

        private final long atUs;
        private final long order;
        private final Runnable action;
        private int state = PENDING;

        private Handle(long atUs, long order, Runnable action) {
            this.atUs = atUs;
            this.order = order;
            this.action = action;
        }

        public long atUs() {
            return atUs;
        }

        public boolean pending() {
            return state == PENDING;
        }

        public void cancel() {
            if (state == PENDING) state = CANCELLED;
        }
    }
}
