package org.tcplab.engine.lab;

import org.tcplab.engine.time.Scheduler;

/**
 * The time commands of a world whose time is a {@link Scheduler}'s (every world here): on virtual
 * time they move it, on real time they run what is due and cannot move it.
 */
public interface ScheduledTime extends LabCommand.Handler {

    Scheduler scheduler();

    @Override
    default boolean runUntil(LabCommand.RunUntil c) {
        return scheduler().runUntil(c.timeUs(), c.maxSteps());
    }

    @Override
    default boolean runUntilIdle(LabCommand.RunUntilIdle c) {
        return scheduler().runUntilIdle(c.maxSteps());
    }

    @Override
    default boolean step(LabCommand.Step c) {
        return scheduler().step();
    }
}
