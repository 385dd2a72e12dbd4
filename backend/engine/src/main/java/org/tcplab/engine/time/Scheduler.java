package org.tcplab.engine.time;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;

/**
 * A discrete-event scheduler in microseconds of lab time (style principle 9: the simulator jumps
 * from one deadline to the next instead of waiting). Occurrences run in time order and, at equal
 * times, in the order they were scheduled, so a run replays exactly. Single-threaded.
 *
 * <p>Time comes from a {@link LabClock}. On the default {@link VirtualClock} it moves only when an
 * occurrence runs or {@link #runUntil} is called, never backwards. On a clock that follows real time
 * (a TAP lab) the scheduler cannot move time: it runs what is due by now, and its owner waits for
 * {@link #nextEventUs()} in between.
 */
public final class Scheduler {

    private static final Comparator<Handle> ORDER =
            Comparator.comparingLong((Handle h) -> h.atUs).thenComparingLong(h -> h.order);

    private final PriorityQueue<Handle> queue = new PriorityQueue<>(ORDER);
    private final LabClock clock;
    private long scheduled;
    private long executed;
    private BooleanSupplier held = () -> false;

    /** A scheduler on virtual time, starting at 0. */
    public Scheduler() {
        this(new VirtualClock());
    }

    public Scheduler(LabClock clock) {
        this.clock = clock;
    }

    public long nowUs() {
        return clock.nowUs();
    }

    public LabClock clock() {
        return clock;
    }

    /**
     * While {@code held} answers true nothing runs and time stands (class mode holds a segment until
     * the teacher reveals it): {@link #step} runs nothing, {@link #nextEventUs} says nothing is due,
     * and {@link #runUntil} leaves the clock where it is.
     */
    public void holdWhile(BooleanSupplier held) {
        this.held = held;
    }

    public boolean holding() {
        return held.getAsBoolean();
    }

    /** How many occurrences have run so far (a cheap progress measure for tests and benchmarks). */
    public long executed() {
        return executed;
    }

    /**
     * Runs {@code action} at {@code atUs}. On virtual time a time in the past is refused because the
     * clock cannot go back; on real time it is simply due (the caller read the clock a moment ago).
     */
    public Handle schedule(long atUs, Runnable action) {
        if (!clock.realTime() && atUs < clock.nowUs()) {
            throw new IllegalArgumentException(
                    "cannot schedule at " + atUs + " us, the clock is at " + clock.nowUs() + " us");
        }
        Handle h = new Handle(atUs, scheduled++, action);
        queue.add(h);
        return h;
    }

    /** The time of the next pending occurrence, or {@link Long#MAX_VALUE} if none. */
    public long nextEventUs() {
        if (holding()) return Long.MAX_VALUE;
        Handle h = peek();
        return h == null ? Long.MAX_VALUE : h.atUs;
    }

    public boolean idle() {
        return peek() == null;
    }

    /**
     * Runs the next pending occurrence, moving a virtual clock to its time; false if nothing is
     * pending (or, on real time, nothing is due yet).
     */
    public boolean step() {
        if (holding()) return false;
        Handle h = peek();
        if (h == null || !clock.reach(h.atUs)) return false;
        queue.poll();
        h.state = Handle.RAN;
        executed++;
        h.action.run();
        return true;
    }

    /**
     * Runs until nothing is pending (or the scheduler is held); false if {@code maxSteps} occurrences
     * ran and more are pending (or, on real time, what is pending is not due yet).
     */
    public boolean runUntilIdle(long maxSteps) {
        for (long i = 0; i < maxSteps; i++) {
            if (!step()) return holding() || idle();
        }
        return holding() || idle();
    }

    /**
     * Runs everything due at or before {@code timeUs}, then sets a virtual clock to it (if it is
     * ahead). On real time it runs what is due by now and no further: time cannot be moved ahead.
     */
    public void runUntil(long timeUs) {
        runUntil(timeUs, Long.MAX_VALUE);
    }

    /**
     * Runs what is due at or before {@code timeUs}, at most {@code maxSteps} occurrences. True when
     * nothing due is left, and a virtual clock then reads {@code timeUs} (if it is ahead); false when
     * the steps ran out first, and the clock stays at the last occurrence run, so a caller can go on.
     * On real time it stops at the first occurrence not yet due.
     */
    public boolean runUntil(long timeUs, long maxSteps) {
        for (long i = 0; nextEventUs() <= timeUs; i++) {
            if (i >= maxSteps) return false;
            if (!step()) break; // real time: the next occurrence is not due yet (or held)
        }
        if (!holding()) clock.reach(timeUs);
        return true;
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
