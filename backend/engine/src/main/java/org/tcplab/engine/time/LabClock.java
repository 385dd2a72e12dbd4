package org.tcplab.engine.time;

/**
 * Where a {@link Scheduler}'s time comes from (style principle 7: time is injected, never read by
 * the engine). The simulation runs on a {@link VirtualClock} that jumps from one deadline to the
 * next; a lab facing the Linux kernel runs on a clock that follows real time, supplied by its
 * driver (tests drive one by hand).
 */
public interface LabClock {

    /** Microseconds of lab time; never goes back. */
    long nowUs();

    /**
     * Brings the clock to {@code atUs} so that an occurrence due then may run. A virtual clock jumps
     * there (never back) and answers true; a clock that follows real time cannot be moved and answers
     * whether {@code atUs} has come.
     */
    boolean reach(long atUs);

    /** Whether time follows the wall clock: a time already past is then simply due, not an error. */
    boolean realTime();
}
