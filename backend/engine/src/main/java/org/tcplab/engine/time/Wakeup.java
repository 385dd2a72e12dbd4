package org.tcplab.engine.time;

/**
 * One pending wake-up on a {@link Scheduler}, re-planned to a new deadline as often as needed: how
 * a driver keeps a sans-I/O host's {@code pollAt()} on the scheduler (the simulation and the TAP
 * lab drive their hosts the same way). At most one occurrence is pending at a time.
 */
public final class Wakeup {

    private final Scheduler scheduler;
    private final Runnable action;
    private final boolean early;
    private Scheduler.Handle pending;

    /** Wakes exactly at the last plan (the simulation: a stepping student sees only real deadlines). */
    public Wakeup(Scheduler scheduler, Runnable action) {
        this(scheduler, action, false);
    }

    private Wakeup(Scheduler scheduler, Runnable action, boolean early) {
        this.scheduler = scheduler;
        this.action = action;
        this.early = early;
    }

    /**
     * A wake-up that may come early: a plan moved later keeps the earlier occurrence (whose action
     * plans again), so a deadline pushed back on every segment (a retransmission timer under an ACK
     * clock) costs nothing instead of a cancelled entry in the scheduler's heap each time. For real
     * time, where nobody steps through the occurrences.
     */
    public static Wakeup mayComeEarly(Scheduler scheduler, Runnable action) {
        return new Wakeup(scheduler, action, true);
    }

    /** Whether a wake-up is planned and has not run yet. */
    public boolean pending() {
        return pending != null && pending.pending();
    }

    /**
     * Wakes at {@code atUs} (a time already past: now), replacing any earlier plan;
     * {@link Long#MAX_VALUE} cancels.
     */
    public void at(long atUs) {
        if (atUs == Long.MAX_VALUE) {
            if (pending != null) pending.cancel();
            pending = null;
            return;
        }
        long at = Math.max(atUs, scheduler.nowUs());
        if (pending != null && pending.pending() && (pending.atUs() == at || (early && pending.atUs() < at))) return;
        if (pending != null) pending.cancel();
        pending = scheduler.schedule(at, action);
    }
}
