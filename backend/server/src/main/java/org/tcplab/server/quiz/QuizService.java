package org.tcplab.server.quiz;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.quiz.QuizExpected;
import org.tcplab.engine.quiz.QuizStatus;
import org.tcplab.engine.quiz.QuizTally;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.TcpLabProperties;

/**
 * The rules of class mode: turning it on and off and revealing go through the lab's world as
 * commands ({@code SetQuiz}, {@code Reveal}: journaled like every change); answers never touch the
 * lab's executor, only its {@link QuizBoard}, so a class answering at once does not slow the lab,
 * and one lab's quiz never waits for another's.
 */
@Service
public class QuizService {

    private final TcpLabProperties.Quiz limits;
    /** Wall time for the per-client answer windows; tests move it by hand. */
    private final Clock clock;

    public QuizService(TcpLabProperties props, Clock clock) {
        this.limits = props.getQuiz();
        this.clock = clock;
    }

    /** A student's answer as the request gives it (already checked for type and range). */
    public record AnswerRequest(String name, String from, List<String> flags, Long seq, Long ack) {}

    QuizBoard board(Lab lab) {
        return lab.feature(QuizBoard.class, l -> {
            QuizBoard b = new QuizBoard(l.id(), limits);
            l.observe(b::onEvent);
            return b;
        });
    }

    Map<String, Object> status(Lab lab) {
        QuizBoard b = board(lab);
        QuizBoard.Snapshot q = b.latest();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", b.enabled());
        out.put("question", q == null ? null : QuizJson.brief(q));
        return out;
    }

    /**
     * On: segments our stack emits from now on are held. Off: the open question is revealed with the
     * class's tally and every held segment goes on.
     */
    Map<String, Object> enable(Lab lab, boolean on) {
        QuizBoard b = board(lab);
        lab.change(d -> {
            QuizTally closing = QuizTally.NONE;
            QuizStatus st = d.quiz();
            if (!on && st.open()) closing = b.close(st.question(), key(st.expected()));
            d.apply(new LabCommand.SetQuiz(on, closing));
            b.enabled(on);
            return null;
        });
        return Map.of("enabled", on);
    }

    int answer(Lab lab, int question, AnswerRequest body, String client) {
        String name = checkName(body.name());
        Prediction p =
                new Prediction(HostName.parse(body.from()), TcpFlags.parse(body.flags()), body.seq(), body.ack());
        lab.touch();
        return board(lab).answer(question, name, p, client, clock.millis());
    }

    /** Names are shown as text, never markup; still, no control or bidi-override characters. */
    private String checkName(String raw) {
        String name = raw.strip();
        int max = limits.getMaxNameLength();
        if (name.isEmpty()) throw LabProblem.badInput("name", "name must not be blank");
        if (name.codePointCount(0, name.length()) > max) {
            throw LabProblem.badInput(
                    "name", "name must be at most " + max + " characters (tcplab.quiz.max-name-length)");
        }
        boolean bad =
                name.codePoints().anyMatch(c -> Character.isISOControl(c) || Character.getType(c) == Character.FORMAT);
        if (bad) throw LabProblem.badInput("name", "name must not contain control or formatting characters");
        return name;
    }

    /** Question {@code id}; with {@code name}, a revealed question lists only that student's answer. */
    Map<String, Object> question(Lab lab, int id, String name) {
        QuizBoard.Snapshot q = board(lab).snapshot(id);
        return q.open() ? QuizJson.brief(q) : QuizJson.revealed(q, name == null ? null : QuizBoard.key(name));
    }

    /** Reveals open question {@code id}: the tally is taken, then the world sends the segment on. */
    Map<String, Object> reveal(Lab lab, int id) {
        QuizBoard b = board(lab);
        b.snapshot(id); // 404 for a question never opened
        lab.change(d -> {
            QuizStatus st = d.quiz();
            if (!st.open() || st.question() != id) {
                throw LabProblem.of(
                        ProblemType.QUESTION_CLOSED,
                        "question " + id + " is not open" + (st.open() ? " (question " + st.question() + " is)" : ""));
            }
            QuizTally tally = b.close(id, key(st.expected()));
            try {
                return d.apply(new LabCommand.Reveal(id, tally));
            } catch (RuntimeException e) {
                b.reopen(id);
                throw e;
            }
        });
        return QuizJson.revealed(b.snapshot(id), null);
    }

    /** The teacher's live view of an open question: who sends, flag sets, seq and ack right or wrong. */
    Map<String, Object> histogram(Lab lab, int id) {
        QuizBoard.Snapshot q = board(lab).snapshot(id);
        Prediction key = q.key() != null
                ? q.key()
                : lab.read(v -> {
                    QuizStatus st = v.driver().quiz();
                    return st.open() && st.question() == id ? key(st.expected()) : null;
                });
        Map<String, Integer> from = new TreeMap<>();
        Map<List<String>, Integer> flags = new LinkedHashMap<>();
        int[] seq = new int[3]; // right, wrong, blank
        int[] ack = new int[3];
        for (QuizBoard.Answer a : q.answers()) {
            Prediction p = a.prediction();
            from.merge(p.from().id(), 1, Integer::sum);
            flags.merge(p.flagNames(), 1, Integer::sum);
            List<String> wrong = key == null ? List.of() : Grading.wrong(p, key);
            seq[p.seq() == null ? 2 : wrong.contains("seq") ? 1 : 0]++;
            ack[p.ack() == null ? 2 : wrong.contains("ack") ? 1 : 0]++;
        }
        List<Map<String, Object>> flagRows = new ArrayList<>();
        flags.entrySet().stream()
                .sorted((x, y) -> y.getValue() - x.getValue())
                .forEach(e -> flagRows.add(Map.of("flags", e.getKey(), "count", e.getValue())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", q.id());
        out.put("open", q.open());
        out.put("answers", q.answers().size());
        out.put("from", from);
        out.put("flags", flagRows);
        out.put("seq", QuizJson.rightWrong(seq));
        out.put("ack", QuizJson.rightWrong(ack));
        return out;
    }

    Map<String, Object> summary(Lab lab) {
        return QuizJson.summary(board(lab).summary());
    }

    String summaryCsv(Lab lab) {
        return QuizCsv.of(board(lab).summary());
    }

    void forget(Lab lab) {
        board(lab).forget();
    }

    private static Prediction key(QuizExpected e) {
        return new Prediction(e.from(), e.flags(), e.seq(), e.ack());
    }
}
