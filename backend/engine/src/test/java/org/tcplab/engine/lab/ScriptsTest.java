package org.tcplab.engine.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;

/** Scripts (compiled scenarios) run in a simulation: steps at their times, through the world's own commands. */
class ScriptsTest {

    private final EventLog log = new EventLog();
    private final Simulation sim = new Simulation(SimConfig.defaults(3), log);

    private <T extends LabEvent> List<T> events(Class<T> type) {
        return log.all().stream()
                .map(LoggedEvent::event)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    @Test
    void stepsRunAtTheirTimesNarrateAndBindTheirAliases() {
        sim.runUntil(5_000);
        int id = sim.apply(new LabCommand.RunScript(
                "scenario demo",
                List.of(
                        new ScriptStep(0, "listen", "listens", "监听", null, new LabCommand.Listen(HostName.SERVER, 80)),
                        new ScriptStep(
                                1_000,
                                "open",
                                null,
                                null,
                                "c",
                                new LabCommand.Connect(HostName.CLIENT, 40000, 80, null, null, false)),
                        new ScriptStep(
                                100_000,
                                "data",
                                "sends",
                                "发送",
                                null,
                                new LabCommand.Send("c", HostName.CLIENT, new byte[] {'x'})))));
        assertThat(sim.script(id).running()).isTrue();
        assertThat(sim.runUntilIdle(100_000)).isTrue();

        ScriptStatus s = sim.script(id);
        assertThat(s.running()).isFalse();
        assertThat(s.startUs()).isEqualTo(5_000);
        assertThat(s.done()).isEqualTo(3);
        assertThat(s.failures()).isEmpty();
        assertThat(s.connections()).containsEntry("c", "1");
        assertThat(events(LabEvent.Narration.class))
                .extracting(LabEvent.Narration::step, LabEvent.Narration::timeUs, LabEvent.Narration::connection)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("listen", 5_000L, null),
                        org.assertj.core.groups.Tuple.tuple("data", 105_000L, "1"));
        assertThat(events(LabEvent.DataDelivered.class)).singleElement().satisfies(d -> assertThat(d.host())
                .isEqualTo(HostName.SERVER));
    }

    @Test
    void aRefusedStepIsANoteAndAFailureAndTheRunGoesOn() {
        sim.listen(HostName.SERVER, 80);
        int id = sim.apply(new LabCommand.RunScript(
                "scenario twice",
                List.of(
                        new ScriptStep(0, "listen-again", null, null, null, new LabCommand.Listen(HostName.SERVER, 80)),
                        new ScriptStep(
                                0,
                                "listen-if-needed",
                                null,
                                null,
                                null,
                                new LabCommand.Listen(HostName.SERVER, 80, true)),
                        new ScriptStep(10, "data", null, null, null, new LabCommand.Close("c", HostName.CLIENT)))));
        sim.runUntilIdle(1_000);
        ScriptStatus s = sim.script(id);
        assertThat(s.done()).isEqualTo(3);
        assertThat(s.failures())
                .containsExactly(
                        "scenario twice, step 'listen-again' failed: connection already exists",
                        "scenario twice, step 'data' failed: connection 'c' was not opened");
        assertThat(events(LabEvent.Note.class)).extracting(LabEvent.Note::text).containsExactlyElementsOf(s.failures());
    }
}
