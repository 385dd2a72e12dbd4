package org.tcplab.engine.lab;

import org.tcplab.engine.quiz.QuizExpected;
import org.tcplab.engine.quiz.SegmentHold;
import org.tcplab.engine.time.Scheduler;

/**
 * The time commands of a world whose time is a {@link Scheduler}'s (every world here): on virtual
 * time they move it, on real time they run what is due and cannot move it.
 */
public interface ScheduledTime extends LabCommand.Handler {

    Scheduler scheduler();

    /** Where the world's quiz holds segments (its {@link org.tcplab.engine.link.Transmitter}'s). */
    SegmentHold hold();

    @Override
    default void setQuiz(LabCommand.SetQuiz c) {
        hold().enable(c.enabled(), c.closing());
    }

    @Override
    default QuizExpected reveal(LabCommand.Reveal c) {
        return hold().reveal(c.question(), c.tally());
    }

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
