package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScriptStep;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A lab is its configuration plus the commands it applied: the same commands applied to a fresh
 * simulation (time commands included) give the same events, byte for byte. This is what a journal
 * of a lab's commands can rely on to rebuild it.
 */
class CommandReplayTest {

    /** A world that keeps every command it applies, in order: the simplest journal. */
    private static final class Journalled {
        final EventLog log = new EventLog();
        final Simulation sim;
        final List<LabCommand<?>> journal = new ArrayList<>();

        Journalled(long seed) {
            sim = new Simulation(SimConfig.defaults(seed), log);
        }

        <R> R apply(LabCommand<R> c) {
            journal.add(c);
            return sim.apply(c);
        }
    }

    private static void session(Journalled lab) {
        lab.apply(new LabCommand.AddFault(
                FaultRule.of(Direction.BOTH, FaultAction.DROP).withProbability(0.2)));
        lab.apply(new LabCommand.Listen(HostName.SERVER, 80));
        String c = lab.apply(new LabCommand.Connect(HostName.CLIENT, 40000, 80, SeqNum.of(7), null, false));
        lab.apply(new LabCommand.RunUntil(35_000));
        lab.apply(new LabCommand.Send(c, HostName.CLIENT, new byte[5000]));
        lab.apply(new LabCommand.Step());
        lab.apply(new LabCommand.Step());
        lab.apply(new LabCommand.SetLink(new LinkConfig(3_000, 1_000, 0, 1500, 100)));
        lab.apply(new LabCommand.Inject(
                HostName.SERVER,
                TcpSegment.builder(80, 40001)
                        .seq(9)
                        .flags(TcpFlag.SYN)
                        .window(100)
                        .build(),
                2_000));
        lab.apply(new LabCommand.RunScript(
                "script",
                List.of(new ScriptStep(
                        50_000, "close", "closes", "关闭", null, new LabCommand.Close(c, HostName.CLIENT)))));
        lab.apply(new LabCommand.RunUntilIdle(1_000_000));
    }

    @Test
    void replayingTheJournalOnAFreshSimulationGivesTheSameEvents() {
        Journalled original = new Journalled(21);
        session(original);
        assertThat(original.log.size()).isGreaterThan(30);

        EventLog replayed = new EventLog();
        LabWorld fresh = new Simulation(SimConfig.defaults(21), replayed);
        for (LabCommand<?> c : original.journal) fresh.apply(c);

        assertThat(EventText.of(replayed.all())).isEqualTo(EventText.of(original.log.all()));
    }

    @Test
    void aQuizReplaysFromItsCommandsWithTheSameQuestionsAndReveals() {
        Journalled original = new Journalled(5);
        original.apply(new LabCommand.SetQuiz(true));
        original.apply(new LabCommand.Listen(HostName.SERVER, 80));
        original.apply(new LabCommand.Connect(HostName.CLIENT, 40000, 80, null, null, false));
        for (int q = 1; q <= 3; q++) {
            original.apply(new LabCommand.RunUntilIdle(10_000));
            original.apply(new LabCommand.Reveal(q, new org.tcplab.engine.quiz.QuizTally(q - 1, 3)));
        }
        original.apply(new LabCommand.SetQuiz(false));
        original.apply(new LabCommand.RunUntilIdle(10_000));
        assertThat(EventText.of(original.log.all())).contains("QuizRevealed").contains("QuizQuestion");

        EventLog replayed = new EventLog();
        LabWorld fresh = new Simulation(SimConfig.defaults(5), replayed);
        for (LabCommand<?> c : original.journal) fresh.apply(c);

        assertThat(EventText.of(replayed.all())).isEqualTo(EventText.of(original.log.all()));
    }
}
