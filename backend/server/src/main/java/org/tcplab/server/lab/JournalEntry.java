package org.tcplab.server.lab;

import java.util.Map;
import org.tcplab.engine.lab.LabCommand;

/**
 * One line of a lab's journal: what replaying it needs to rebuild the lab, event for event. The
 * world's part is its commands (the simulation is deterministic); the rest is what the server adds
 * on top: its own notes (limits that ran out, decided by the wall clock, so not replayable), clock
 * changes, and marks other features keep (a scenario's run).
 */
public sealed interface JournalEntry {

    /** Lab time (microseconds) when the entry took effect. */
    long atUs();

    /** A command the world applied, in the order it applied them. */
    record Command(long atUs, LabCommand<?> command) implements JournalEntry {}

    /** A note the server itself logged (not the world): replay logs it again at this point. */
    record Note(long atUs, String text) implements JournalEntry {}

    /** The lab's clock from here on. */
    record ClockSet(long atUs, String clock, double timeScale, boolean paused) implements JournalEntry {}

    /**
     * A fact another feature keeps about the lab ({@code kind} names it, e.g. {@code scenario});
     * on replay the {@link LabMarks} bean of that kind restores it.
     */
    record Mark(long atUs, String kind, Map<String, Object> data) implements JournalEntry {}
}
