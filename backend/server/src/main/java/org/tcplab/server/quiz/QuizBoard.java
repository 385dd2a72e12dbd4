package org.tcplab.server.quiz;

import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.quiz.QuizTally;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.TcpLabProperties;

/**
 * One lab's class: its questions (opened and revealed by the lab's own {@code quiz.*} events), the
 * students' answers, their names and each client's answer rate. Everything here is bounded by
 * {@code tcplab.quiz.*} and lives only as long as the lab. Thread-safe: answers come from many
 * requests at once, events from the lab's thread; no lock is held while waiting for anything.
 */
final class QuizBoard {

    static final long WINDOW_MS = 60_000;

    enum State {
        OPEN,
        /** The teacher is revealing it: answers are closed, the tally taken. */
        CLOSING,
        REVEALED
    }

    /** One student's answer; {@code wrong} is null until the question is revealed. */
    record Answer(int id, String name, Prediction prediction, List<String> wrong) {
        boolean correct() {
            return wrong != null && wrong.isEmpty();
        }
    }

    static final class Question {
        final int id;
        final String connection;
        State state = State.OPEN;
        Prediction key;
        int correct;
        /** By the name's key (normalised, case-folded), in the order they came. */
        final LinkedHashMap<String, Answer> answers = new LinkedHashMap<>();

        Question(int id, String connection) {
            this.id = id;
            this.connection = connection;
        }
    }

    private final String labId;
    private final TcpLabProperties.Quiz limits;
    private final LinkedHashMap<Integer, Question> questions = new LinkedHashMap<>();
    /** Name key -> the name as first written. */
    private final LinkedHashMap<String, String> names = new LinkedHashMap<>();

    private final Map<String, long[]> rates = new HashMap<>();
    private volatile boolean enabled;
    private int latest;

    QuizBoard(String labId, TcpLabProperties.Quiz limits) {
        this.labId = labId;
        this.limits = limits;
    }

    boolean enabled() {
        return enabled;
    }

    void enabled(boolean on) {
        enabled = on;
    }

    /** The lab's quiz events open and reveal questions (an observer of the lab's log: quick, never waits). */
    synchronized void onEvent(LabEvent event) {
        if (event instanceof LabEvent.QuizQuestion q) {
            latest = q.question();
            questions.put(q.question(), new Question(q.question(), q.connection()));
            Iterator<Integer> oldest = questions.keySet().iterator();
            while (questions.size() > limits.getMaxQuestionsPerLab()) {
                oldest.next();
                oldest.remove();
            }
        } else if (event instanceof LabEvent.QuizRevealed r) {
            Question q = questions.computeIfAbsent(r.question(), id -> new Question(id, r.connection()));
            q.key = new Prediction(r.from(), r.flags(), r.seq(), r.ack());
            q.state = State.REVEALED;
            q.correct = 0;
            q.answers.replaceAll(
                    (k, a) -> new Answer(a.id(), a.name(), a.prediction(), Grading.wrong(a.prediction(), q.key)));
            for (Answer a : q.answers.values()) if (a.correct()) q.correct++;
        }
    }

    /** Takes {@code name}'s answer to question {@code id}; answers its id within the question. */
    synchronized int answer(int id, String name, Prediction prediction, String client, long nowMs) {
        countRate(client, nowMs);
        Question q = question(id);
        if (q.state != State.OPEN) {
            throw LabProblem.of(
                    ProblemType.QUESTION_CLOSED,
                    "question " + id + " of lab " + labId + " was revealed; answers are closed"
                            + (latest > id ? " (question " + latest + " is the latest)" : ""));
        }
        String key = key(name);
        if (q.answers.containsKey(key)) {
            throw LabProblem.of(
                    ProblemType.ALREADY_ANSWERED,
                    "\"" + name + "\" already answered question " + id + "; one answer a name");
        }
        int maxAnswers = limits.getMaxAnswersPerQuestion();
        if (q.answers.size() >= maxAnswers) {
            throw LabProblem.of(
                    ProblemType.QUIZ_FULL,
                    "question " + id + " holds its maximum of " + maxAnswers
                            + " answers (tcplab.quiz.max-answers-per-question); the next question takes answers again");
        }
        if (!names.containsKey(key)) {
            int maxNames = limits.getMaxNamesPerLab();
            if (names.size() >= maxNames) {
                throw LabProblem.of(
                        ProblemType.QUIZ_FULL,
                        "lab " + labId + "'s quiz knows its maximum of " + maxNames
                                + " names (tcplab.quiz.max-names-per-lab); answer under a name already used, or the"
                                + " teacher forgets the class's answers (DELETE /api/labs/" + labId + "/quiz/answers)");
            }
            names.put(key, name);
        }
        Answer a = new Answer(q.answers.size() + 1, names.get(key), prediction, null);
        q.answers.put(key, a);
        return a.id();
    }

    /**
     * One fixed window a minute per client address, like lab creation's; the map holds at most as
     * many clients as the lab may have names, expired windows going first.
     */
    private void countRate(String client, long nowMs) {
        long[] w = rates.get(client); // {window start, count}
        if (w == null) {
            if (rates.size() >= limits.getMaxNamesPerLab()) {
                rates.values().removeIf(x -> nowMs - x[0] >= WINDOW_MS || nowMs < x[0]);
            }
            if (rates.size() >= limits.getMaxNamesPerLab()) {
                long oldest = rates.values().stream().mapToLong(x -> x[0]).min().orElse(nowMs);
                throw LabProblem.tooMany(
                        ProblemType.RATE_LIMITER_FULL,
                        "too many clients are answering in lab " + labId + " this minute; try again shortly",
                        Duration.ofMillis(Math.max(1, oldest + WINDOW_MS - nowMs)));
            }
            w = new long[] {nowMs, 0};
            rates.put(client, w);
        }
        if (nowMs - w[0] >= WINDOW_MS || nowMs < w[0]) {
            w[0] = nowMs;
            w[1] = 0;
        }
        int max = limits.getAnswersPerClientPerMinute();
        if (w[1] >= max) {
            throw LabProblem.tooMany(
                    ProblemType.RATE_LIMITED,
                    "this address sent " + max + " answers to lab " + labId
                            + " within a minute (tcplab.quiz.answers-per-client-per-minute); wait for Retry-After",
                    Duration.ofMillis(Math.max(1, w[0] + WINDOW_MS - nowMs)));
        }
        w[1]++;
    }

    /** Closes open question {@code id} for the reveal and counts its answers against {@code key}. */
    synchronized QuizTally close(int id, Prediction key) {
        Question q = question(id);
        if (q.state == State.OPEN) q.state = State.CLOSING;
        int correct = 0;
        for (Answer a : q.answers.values())
            if (Grading.wrong(a.prediction(), key).isEmpty()) correct++;
        return new QuizTally(correct, q.answers.size());
    }

    /** The reveal failed: the question takes answers again. */
    synchronized void reopen(int id) {
        Question q = questions.get(id);
        if (q != null && q.state == State.CLOSING) q.state = State.OPEN;
    }

    /** Forgets every name and answer (the teacher's "forget the class"); the questions stay. */
    synchronized void forget() {
        names.clear();
        rates.clear();
        for (Question q : questions.values()) {
            q.answers.clear();
            q.correct = 0;
        }
    }

    private Question question(int id) {
        Question q = questions.get(id);
        if (q == null) {
            throw LabProblem.of(
                    ProblemType.QUESTION_NOT_FOUND,
                    "lab " + labId + " has no question " + id
                            + (latest == 0 ? " (no question has opened yet)" : " (the latest is " + latest + ")"));
        }
        return q;
    }

    /** A copy of question {@code id} as it stands, for views. */
    synchronized Snapshot snapshot(int id) {
        return snapshotOf(question(id));
    }

    /** The latest question, or null. */
    synchronized Snapshot latest() {
        Question q = questions.get(latest);
        return q == null ? null : snapshotOf(q);
    }

    /** Every question kept, oldest first, and the names in the order they first answered. */
    synchronized Summary summary() {
        List<Snapshot> qs = new ArrayList<>();
        for (Question q : questions.values()) qs.add(snapshotOf(q));
        return new Summary(qs, List.copyOf(names.values()));
    }

    private static Snapshot snapshotOf(Question q) {
        return new Snapshot(q.id, q.connection, q.state, q.key, q.correct, List.copyOf(q.answers.values()));
    }

    /** The key a name is known by: Unicode-normalised (NFKC), trimmed, case-folded. */
    static String key(String name) {
        return Normalizer.normalize(name, Normalizer.Form.NFKC).strip().toLowerCase(Locale.ROOT);
    }

    record Snapshot(int id, String connection, State state, Prediction key, int correct, List<Answer> answers) {
        boolean open() {
            return state != State.REVEALED;
        }
    }

    record Summary(List<Snapshot> questions, List<String> names) {}
}
