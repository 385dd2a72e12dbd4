package org.tcplab.engine.quiz;

/**
 * A world's quiz as it stands: whether it is on, and the open question (0 and null when none).
 * {@code expected} is the answer key: the server grades with it and never shows it before the reveal.
 */
public record QuizStatus(boolean enabled, int question, QuizExpected expected) {

    public static final QuizStatus OFF = new QuizStatus(false, 0, null);

    public boolean open() {
        return question != 0;
    }
}
