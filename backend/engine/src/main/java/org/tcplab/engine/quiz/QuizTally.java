package org.tcplab.engine.quiz;

import org.tcplab.engine.InvalidArgumentException;

/**
 * How a question's class answered, as the server counted it when the teacher revealed it: carried
 * by the command so that a replayed journal gives the same {@code quiz.revealed} event.
 */
public record QuizTally(int correct, int total) {

    public static final QuizTally NONE = new QuizTally(0, 0);

    public QuizTally {
        if (total < 0) throw new InvalidArgumentException("total", "total must not be negative: " + total);
        if (correct < 0 || correct > total) {
            throw new InvalidArgumentException("correct", "correct must be 0.." + total + ": " + correct);
        }
    }
}
