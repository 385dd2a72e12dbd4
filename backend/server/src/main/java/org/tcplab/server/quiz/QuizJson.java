package org.tcplab.server.quiz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON of class mode (lab-api.md "Class mode"): the only place here that knows its names. */
final class QuizJson {

    private QuizJson() {}

    /** An open question (or one in a status): no key, only how many answered. */
    static Map<String, Object> brief(QuizBoard.Snapshot q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", q.id());
        m.put("open", q.open());
        m.put("answers", q.answers().size());
        if (q.connection() != null) m.put("connection", q.connection());
        return m;
    }

    /** A revealed question with its key and every answer graded (only {@code nameKey}'s when given). */
    static Map<String, Object> revealed(QuizBoard.Snapshot q, String nameKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", q.id());
        m.put("open", false);
        if (q.connection() != null) m.put("connection", q.connection());
        m.put("expected", prediction(q.key()));
        List<Map<String, Object>> answers = new ArrayList<>();
        for (QuizBoard.Answer a : q.answers()) {
            if (nameKey != null && !QuizBoard.key(a.name()).equals(nameKey)) continue;
            Map<String, Object> am = new LinkedHashMap<>();
            am.put("name", a.name());
            am.putAll(prediction(a.prediction()));
            am.put("correct", a.correct());
            am.put("wrong", a.wrong());
            answers.add(am);
        }
        m.put("answers", answers);
        m.put("correct", q.correct());
        m.put("total", q.answers().size());
        return m;
    }

    static Map<String, Object> prediction(Prediction p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", p.from().id());
        m.put("flags", p.flagNames());
        m.put("seq", p.seq());
        m.put("ack", p.ack());
        return m;
    }

    static Map<String, Object> rightWrong(int[] counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("right", counts[0]);
        m.put("wrong", counts[1]);
        m.put("blank", counts[2]);
        return m;
    }

    /** Per question the share correct, per student the score (correct answers) over revealed questions. */
    static Map<String, Object> summary(QuizBoard.Summary s) {
        List<Map<String, Object>> questions = new ArrayList<>();
        int revealed = 0;
        Map<String, int[]> students = new LinkedHashMap<>(); // name key -> {answered, correct}
        for (String n : s.names()) students.put(QuizBoard.key(n), new int[2]);
        for (QuizBoard.Snapshot q : s.questions()) {
            Map<String, Object> qm = new LinkedHashMap<>();
            qm.put("id", q.id());
            qm.put("open", q.open());
            if (!q.open()) {
                revealed++;
                qm.put("expected", prediction(q.key()));
            }
            qm.put("answers", q.answers().size());
            qm.put("correct", q.open() ? null : q.correct());
            qm.put(
                    "share",
                    q.open() || q.answers().isEmpty()
                            ? null
                            : (double) q.correct() / q.answers().size());
            questions.add(qm);
            for (QuizBoard.Answer a : q.answers()) {
                int[] st = students.get(QuizBoard.key(a.name()));
                if (st == null) continue;
                st[0]++;
                if (a.correct()) st[1]++;
            }
        }
        List<Map<String, Object>> studentRows = new ArrayList<>();
        for (String n : s.names()) {
            int[] st = students.get(QuizBoard.key(n));
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("name", n);
            sm.put("answered", st[0]);
            sm.put("correct", st[1]);
            sm.put("score", revealed == 0 ? null : (double) st[1] / revealed);
            studentRows.add(sm);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("questions", questions);
        m.put("revealed", revealed);
        m.put("students", studentRows);
        return m;
    }
}
