package org.tcplab.server.quiz;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The class summary as CSV (RFC 4180) for the teacher's spreadsheet: one row a student (answered,
 * correct, then 1/0 per revealed question, empty where they did not answer), and a last row with
 * each question's share correct. Names are students' text: a leading {@code = + - @} is escaped
 * so a spreadsheet never runs it as a formula (OWASP "CSV injection").
 */
final class QuizCsv {

    private QuizCsv() {}

    static String of(QuizBoard.Summary s) {
        StringBuilder sb = new StringBuilder("name,answered,correct");
        for (QuizBoard.Snapshot q : s.questions())
            if (!q.open()) sb.append(",q").append(q.id());
        sb.append("\r\n");
        List<Map<String, QuizBoard.Answer>> byName = new ArrayList<>();
        for (QuizBoard.Snapshot q : s.questions()) {
            Map<String, QuizBoard.Answer> m = new HashMap<>();
            for (QuizBoard.Answer a : q.answers()) m.put(QuizBoard.key(a.name()), a);
            byName.add(m);
        }
        for (String name : s.names()) {
            String key = QuizBoard.key(name);
            int answered = 0;
            int correct = 0;
            StringBuilder cells = new StringBuilder();
            for (int i = 0; i < byName.size(); i++) {
                QuizBoard.Snapshot q = s.questions().get(i);
                QuizBoard.Answer a = byName.get(i).get(key);
                if (a != null) {
                    answered++;
                    if (a.correct()) correct++;
                }
                if (q.open()) continue;
                cells.append(',').append(a == null ? "" : a.correct() ? "1" : "0");
            }
            sb.append(field(name)).append(',').append(answered).append(',').append(correct);
            sb.append(cells).append("\r\n");
        }
        sb.append("share correct,,");
        for (QuizBoard.Snapshot q : s.questions()) {
            if (q.open()) continue;
            sb.append(',');
            if (!q.answers().isEmpty()) {
                sb.append(String.format(
                        Locale.ROOT, "%.2f", (double) q.correct() / q.answers().size()));
            }
        }
        return sb.append("\r\n").toString();
    }

    static String field(String text) {
        String t = text;
        if (!t.isEmpty() && "=+-@\t\r".indexOf(t.charAt(0)) >= 0) t = "'" + t;
        if (t.indexOf(',') >= 0 || t.indexOf('"') >= 0 || t.indexOf('\n') >= 0 || t.indexOf('\r') >= 0) {
            t = '"' + t.replace("\"", "\"\"") + '"';
        }
        return t;
    }
}
