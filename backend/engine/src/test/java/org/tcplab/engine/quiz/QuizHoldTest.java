package org.tcplab.engine.quiz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;

/** Class mode in the simulation: each segment is held where its sender emits it, and time stands until the reveal. */
class QuizHoldTest {

    private final EventLog log = new EventLog();
    private Simulation sim;

    @BeforeEach
    void lab() {
        sim = new Simulation(SimConfig.defaults(7), log);
        sim.listen(HostName.SERVER, 80);
    }

    private List<LabEvent> events(Class<?> type) {
        List<LabEvent> out = new ArrayList<>();
        for (LoggedEvent e : log.all()) if (type.isInstance(e.event())) out.add(e.event());
        return out;
    }

    private String connectClient() {
        return sim.connect(HostName.CLIENT, 40000, 80, SeqNum.of(100), SeqNum.of(300));
    }

    @Test
    void theSynIsHeldBeforeItIsLoggedAndTimeStandsUntilTheReveal() {
        sim.apply(new LabCommand.SetQuiz(true));
        connectClient();

        assertThat(events(LabEvent.SegmentSent.class)).isEmpty();
        assertThat(events(LabEvent.QuizQuestion.class)).containsExactly(new LabEvent.QuizQuestion(0, "1", 1));
        QuizStatus status = sim.quiz();
        assertThat(status.question()).isEqualTo(1);
        assertThat(status.expected()).isEqualTo(new QuizExpected(HostName.CLIENT, TcpFlags.SYN, 100, null));

        assertThat(sim.runUntilIdle(1_000)).isTrue();
        sim.runUntil(5_000_000);
        assertThat(sim.nowUs()).isZero();
        assertThat(sim.step()).isFalse();
        assertThat(sim.nextEventUs()).isEqualTo(Long.MAX_VALUE);

        QuizExpected revealed = sim.apply(new LabCommand.Reveal(1, new QuizTally(2, 3)));
        assertThat(revealed).isEqualTo(status.expected());
        assertThat(events(LabEvent.SegmentSent.class)).hasSize(1);
        LabEvent.QuizRevealed r =
                (LabEvent.QuizRevealed) events(LabEvent.QuizRevealed.class).get(0);
        assertThat(r.question()).isEqualTo(1);
        assertThat(r.correct()).isEqualTo(2);
        assertThat(r.total()).isEqualTo(3);
        // quiz.revealed comes right before the segment it reveals
        List<LoggedEvent> all = log.all();
        assertThat(all.get(all.size() - 1).event()).isInstanceOf(LabEvent.SegmentSent.class);

        sim.runUntilIdle(10_000);
        assertThat(sim.quiz().question()).isEqualTo(2);
        assertThat(sim.quiz().expected()).isEqualTo(new QuizExpected(HostName.SERVER, TcpFlags.SYN_ACK, 300, 101L));
        assertThat(sim.nowUs()).as("the SYN arrived, the SYN-ACK waits").isPositive();
    }

    @Test
    void aLostSynsNextQuestionIsTheRetransmissionAfterTheRto() {
        sim.addFault(FaultRule.of(Direction.CLIENT_TO_SERVER, FaultAction.DROP).withCount(1));
        sim.apply(new LabCommand.SetQuiz(true));
        connectClient();
        sim.apply(new LabCommand.Reveal(1, QuizTally.NONE));
        sim.runUntilIdle(10_000);

        assertThat(events(LabEvent.SegmentDropped.class)).hasSize(1);
        assertThat(sim.quiz().question()).isEqualTo(2);
        assertThat(sim.quiz().expected()).isEqualTo(new QuizExpected(HostName.CLIENT, TcpFlags.SYN, 100, null));
        assertThat(sim.nowUs()).as("the RTO (1 s) fired").isGreaterThanOrEqualTo(1_000_000);
        sim.apply(new LabCommand.Reveal(2, QuizTally.NONE));
        LabEvent.SegmentSent rtx =
                (LabEvent.SegmentSent) events(LabEvent.SegmentSent.class).get(1);
        assertThat(rtx.retransmission()).isTrue();
    }

    @Test
    void segmentsEmittedInOneGoWaitInOrderAndTurningTheQuizOffSendsThemAll() {
        String c = connectClient();
        sim.runUntilIdle(10_000);
        sim.apply(new LabCommand.SetQuiz(true));
        sim.send(c, HostName.CLIENT, new byte[3000]);
        sim.runUntilIdle(10_000);
        assertThat(sim.quiz().question()).isEqualTo(1);
        long sentBefore = events(LabEvent.SegmentSent.class).size();

        sim.apply(new LabCommand.Reveal(1, QuizTally.NONE));
        assertThat(events(LabEvent.QuizQuestion.class))
                .as("the next waiting segment opens question 2")
                .hasSize(2);
        assertThat(sim.quiz().expected().flags().ack()).isTrue();

        sim.apply(new LabCommand.SetQuiz(false, new QuizTally(1, 1)));
        assertThat(sim.quiz()).isEqualTo(new QuizStatus(false, 0, null));
        assertThat(events(LabEvent.QuizRevealed.class)).hasSize(2);
        assertThat(events(LabEvent.SegmentSent.class).size()).isGreaterThan((int) sentBefore + 1);
        sim.runUntilIdle(100_000);
        assertThat(sim.received(c, HostName.SERVER)).hasSize(3000);
    }

    @Test
    void onlyTheOpenQuestionCanBeRevealed() {
        assertThatThrownBy(() -> sim.apply(new LabCommand.Reveal(1, QuizTally.NONE)))
                .isInstanceOf(TcpUserException.class)
                .hasMessageContaining("no question is open");
        sim.apply(new LabCommand.SetQuiz(true));
        connectClient();
        assertThatThrownBy(() -> sim.apply(new LabCommand.Reveal(2, QuizTally.NONE)))
                .isInstanceOf(TcpUserException.class)
                .hasMessageContaining("the open question is 1");
        assertThat(events(LabEvent.SegmentSent.class)).isEmpty();
    }
}
