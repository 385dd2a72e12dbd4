package org.tcplab.engine.quiz;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpUserException;

/**
 * Where a lab's quiz holds segments: while it is on, a segment our stack emits waits here (not yet
 * logged, not on the link) and the first one waiting is the open question; a world stops its
 * scheduler while anything waits ({@link #holding()}), so the lab's time stands until the reveal.
 * Segments a host emits in one go wait in order: revealing one sends it and opens the next.
 * Single-threaded, like the world that owns it.
 */
public final class SegmentHold {

    /** A segment as its sender emitted it, waiting to be logged and put on the link. */
    public record Held(HostName from, String connection, byte[] packet, boolean retransmission, boolean probe) {}

    private final LongSupplier nowUs;
    private final EventSink events;
    private final Consumer<Held> release;
    private final ArrayDeque<Held> waiting = new ArrayDeque<>();
    private boolean enabled;
    private int lastQuestion;

    /** @param release sends a held segment on (logs it and puts it on the link) */
    public SegmentHold(LongSupplier nowUs, EventSink events, Consumer<Held> release) {
        this.nowUs = nowUs;
        this.events = events;
        this.release = release;
    }

    /** Whether a segment waits: the world's time stands. */
    public boolean holding() {
        return !waiting.isEmpty();
    }

    public QuizStatus status() {
        return waiting.isEmpty()
                ? new QuizStatus(enabled, 0, null)
                : new QuizStatus(enabled, lastQuestion, expected(waiting.peek()));
    }

    /** Takes {@code segment} when the quiz is on (answers true); else the caller sends it at once. */
    public boolean hold(Held segment) {
        if (!enabled) return false;
        waiting.add(segment);
        if (waiting.size() == 1) open();
        return true;
    }

    /**
     * Turns the quiz on or off. Off sends every waiting segment on, in order; the open question, if
     * any, is revealed first with {@code closing} as its tally.
     */
    public void enable(boolean on, QuizTally closing) {
        enabled = on;
        if (on || waiting.isEmpty()) return;
        revealFirst(closing);
        while (!waiting.isEmpty()) release.accept(waiting.poll());
    }

    /**
     * Reveals open question {@code question}: emits {@code quiz.revealed}, sends its segment on, and
     * opens the next question if another segment waits. Refused (409) for any other question.
     */
    public QuizExpected reveal(int question, QuizTally tally) {
        if (waiting.isEmpty() || question != lastQuestion) {
            throw new TcpUserException("question " + question + " is not open"
                    + (waiting.isEmpty() ? " (no question is open)" : " (the open question is " + lastQuestion + ")"));
        }
        QuizExpected expected = revealFirst(tally);
        if (!waiting.isEmpty()) open();
        return expected;
    }

    private void open() {
        lastQuestion++;
        events.emit(new LabEvent.QuizQuestion(nowUs.getAsLong(), waiting.peek().connection(), lastQuestion));
    }

    private QuizExpected revealFirst(QuizTally tally) {
        Held first = waiting.poll();
        QuizExpected expected = expected(first);
        events.emit(new LabEvent.QuizRevealed(
                nowUs.getAsLong(),
                first.connection(),
                lastQuestion,
                expected.from(),
                expected.flags(),
                expected.seq(),
                expected.ack(),
                tally.correct(),
                tally.total()));
        release.accept(first);
        return expected;
    }

    private static QuizExpected expected(Held h) {
        return QuizExpected.of(h.from(), h.packet());
    }
}
