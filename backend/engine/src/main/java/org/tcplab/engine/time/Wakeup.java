package org.tcplab.engine.time;

/**
 * One pending wake-up on a {@link Scheduler}, re-planned to a new deadline as often as needed: how
 * a driver keeps a sans-I/O host's {@code pollAt()} on the scheduler (the simulation and the TAP
 * lab drive their hosts the same way). At most one occurrence is pending at a time.
 */
public final class Wakeup {

    private final Scheduler scheduler;
    private final Runnable action;
    private Scheduler.Handle pending;

    public Wakeup(Scheduler scheduler, Runnable action) {
        this.scheduler = scheduler;
        this.action = action;
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
        if (pending != null && pending.pending() && pending.atUs() == at) return;
        if (pending != null) pending.cancel();
        pending = scheduler.schedule(at, action);
    }
}
