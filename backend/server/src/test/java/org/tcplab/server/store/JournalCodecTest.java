package org.tcplab.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.ScriptStep;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.quiz.QuizTally;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.stream.EventJson;

/**
 * Every journal entry and every kind of command reads back as it was written, and a journal read
 * back replays to the same events as the original commands.
 */
class JournalCodecTest {

    static final List<LabCommand<?>> ONE_OF_EACH = List.of(
            new LabCommand.Listen(HostName.SERVER, 80, true),
            new LabCommand.Unlisten(HostName.SERVER, 81),
            new LabCommand.Connect(HostName.CLIENT, 40000, 80, SeqNum.of(4_000_000_000L), null, false),
            new LabCommand.Send("1", HostName.CLIENT, new byte[] {0, 1, 2, (byte) 255}),
            new LabCommand.Close("1", HostName.SERVER),
            new LabCommand.Abort("1", HostName.CLIENT),
            new LabCommand.SetReading("1", HostName.SERVER, false),
            new LabCommand.Crash(HostName.SERVER),
            new LabCommand.Inject(
                    HostName.CLIENT,
                    TcpSegment.builder(40001, 80)
                            .seq(9)
                            .ack(77)
                            .flags(TcpFlag.SYN, TcpFlag.ACK)
                            .window(1000)
                            .options(List.of(
                                    new TcpOption.MaxSegmentSize(536),
                                    new TcpOption.Sack(List.of(new TcpOption.SackBlock(SeqNum.of(1), SeqNum.of(5)))),
                                    new TcpOption.Timestamps(1, 2),
                                    new TcpOption.Unknown(30, new byte[] {1, 2})))
                            .payload("hi".getBytes())
                            .build(),
                    2_000),
            new LabCommand.PinIsn(HostName.SERVER, 80, 40000, SeqNum.of(5)),
            new LabCommand.AddFault(FaultRule.of(Direction.BOTH, FaultAction.DELAY)
                    .withOnlyFlags(TcpFlags.SYN)
                    .withConnection("1")
                    .withProbability(0.25)
                    .withDelayUs(3_000)),
            new LabCommand.RemoveFault(3),
            new LabCommand.SetLink(new LinkConfig(3_000, 1_000, 64, 1500, 100)),
            new LabCommand.RunUntil(35_000, 1024),
            new LabCommand.RunUntilIdle(1_000_000),
            new LabCommand.Step(),
            new LabCommand.RunScript(
                    "scenario x",
                    List.of(
                            new ScriptStep(
                                    0,
                                    "open",
                                    "opens",
                                    "打开",
                                    "c",
                                    new LabCommand.Connect(HostName.CLIENT, 1, 2, null, SeqNum.of(9), true)),
                            new ScriptStep(
                                    50_000, "close", null, null, null, new LabCommand.Close("c", HostName.CLIENT)))),
            new LabCommand.SetQuiz(true, new QuizTally(2, 3)),
            new LabCommand.Reveal(4, new QuizTally(28, 30)));

    @Test
    void oneOfEachCommandIsCovered() {
        Set<Class<?>> covered = ONE_OF_EACH.stream().map(Object::getClass).collect(Collectors.toSet());
        // A new command fails here until it is added above (and so proven to journal).
        assertThat(covered)
                .containsExactlyInAnyOrderElementsOf(Arrays.asList(LabCommand.class.getPermittedSubclasses()));
    }

    @Test
    void everyEntryReadsBackAsWritten() {
        for (LabCommand<?> c : ONE_OF_EACH) {
            JournalEntry e = new JournalEntry.Command(12, c);
            String json = JournalCodec.write(e);
            JournalEntry back = JournalCodec.readEntry(json);
            assertThat(JournalCodec.write(back)).as(json).isEqualTo(json);
            assertThat(((JournalEntry.Command) back).command()).isInstanceOf(c.getClass());
        }
        for (JournalEntry e : List.of(
                new JournalEntry.Note(5, "advance stopped 中文"),
                new JournalEntry.ClockSet(7, "realtime", 0.5, true),
                new JournalEntry.Mark(9, "scenario", Map.of("name", "x", "params", Map.of("isn", 4_000_000_000L))))) {
            String json = JournalCodec.write(e);
            assertThat(JournalCodec.readEntry(json)).isEqualTo(e);
        }
        LabSettings settings = new LabSettings("sim", SimConfig.defaults(-42), "server");
        assertThat(JournalCodec.readSettings(JournalCodec.write(settings))).isEqualTo(settings);
    }

    @Test
    void aQuizReadBackReplaysToTheSameEvents() {
        // Class mode: the held segments, the questions and reveals come back the same.
        assertReplaysTheSame(List.of(
                new LabCommand.Listen(HostName.SERVER, 80),
                new LabCommand.SetQuiz(true, QuizTally.NONE),
                new LabCommand.Connect(HostName.CLIENT, 40000, 80, SeqNum.of(7), null, false),
                new LabCommand.RunUntilIdle(1_000_000),
                new LabCommand.Reveal(1, new QuizTally(2, 3)),
                new LabCommand.RunUntilIdle(1_000_000),
                new LabCommand.SetQuiz(false, new QuizTally(1, 3)),
                new LabCommand.RunUntilIdle(1_000_000)));
    }

    @Test
    void aJournalReadBackReplaysToTheSameEvents() {
        assertReplaysTheSame(List.of(
                new LabCommand.AddFault(
                        FaultRule.of(Direction.BOTH, FaultAction.DROP).withProbability(0.2)),
                new LabCommand.Listen(HostName.SERVER, 80),
                new LabCommand.Connect(HostName.CLIENT, 40000, 80, SeqNum.of(7), null, false),
                new LabCommand.RunUntil(35_000),
                new LabCommand.Send("1", HostName.CLIENT, new byte[5000]),
                new LabCommand.RunUntilIdle(1_000_000)));
    }

    private static void assertReplaysTheSame(List<LabCommand<?>> session) {
        EventLog original = new EventLog();
        Simulation a = new Simulation(SimConfig.defaults(3), original);
        session.forEach(a::apply);
        EventLog replayed = new EventLog();
        Simulation b = new Simulation(SimConfig.defaults(3), replayed);
        for (LabCommand<?> c : session) {
            String json = JournalCodec.write(new JournalEntry.Command(0, c));
            b.apply(((JournalEntry.Command) JournalCodec.readEntry(json)).command());
        }
        assertThat(original.size()).isGreaterThan(10);
        assertThat(replayed.all().stream().map(EventJson::toMap).toList())
                .isEqualTo(original.all().stream().map(EventJson::toMap).toList());
    }
}
