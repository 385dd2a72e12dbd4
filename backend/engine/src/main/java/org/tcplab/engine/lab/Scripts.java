package org.tcplab.engine.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.Scheduler;

/**
 * The scripts a world runs ({@link LabCommand.RunScript}): each step is scheduled at its time on the
 * world's scheduler and, when it comes, narrates and applies its command through the world's own
 * {@link LabWorld#apply}, so a script does nothing a user could not do. A step the lab refuses does
 * not stop the clock: it becomes a {@code note} ("{@code <name>, step '<step>' failed: ...}") and a
 * failure of the script. Single-threaded, on the world's thread.
 */
public final class Scripts {

    private final Scheduler scheduler;
    private final EventSink events;
    private final LabWorld world;
    private final List<Run> runs = new ArrayList<>();

    public Scripts(Scheduler scheduler, EventSink events, LabWorld world) {
        this.scheduler = scheduler;
        this.events = events;
        this.world = world;
    }

    /** Schedules the script's steps from now on; answers its id (1, 2, ...). */
    public int start(LabCommand.RunScript script) {
        Run run = new Run(runs.size() + 1, script, scheduler.nowUs());
        runs.add(run);
        for (ScriptStep step : script.steps()) {
            scheduler.schedule(run.startUs + step.atUs(), () -> run.execute(step));
        }
        return run.id;
    }

    public ScriptStatus status(int id) {
        if (id < 1 || id > runs.size()) throw new InvalidArgumentException("script", "no script " + id);
        Run r = runs.get(id - 1);
        return new ScriptStatus(
                r.id, r.script.name(), r.startUs, r.script.steps().size(), r.done, r.failures, r.connections);
    }

    private final class Run {
        final int id;
        final LabCommand.RunScript script;
        final long startUs;
        final Map<String, String> connections = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        int done;

        Run(int id, LabCommand.RunScript script, long startUs) {
            this.id = id;
            this.script = script;
            this.startUs = startUs;
        }

        void execute(ScriptStep step) {
            try {
                if (step.en() != null) {
                    String alias =
                            step.command() == null ? null : step.command().connection();
                    events.emit(new LabEvent.Narration(
                            scheduler.nowUs(),
                            alias == null ? null : connections.get(alias),
                            step.name(),
                            step.en(),
                            step.zh()));
                }
                if (step.command() != null) {
                    Object answer = world.apply(resolved(step.command()));
                    if (step.as() != null) connections.put(step.as(), (String) answer);
                }
            } catch (RuntimeException e) {
                String problem = script.name() + ", step '" + step.name() + "' failed: " + e.getMessage();
                failures.add(problem);
                events.emit(new LabEvent.Note(scheduler.nowUs(), null, problem));
            } finally {
                done++;
            }
        }

        /** The command with the script's alias replaced by the lab connection id it got. */
        private LabCommand<?> resolved(LabCommand<?> command) {
            String alias = command.connection();
            if (alias == null) return command;
            String id = connections.get(alias);
            if (id == null) throw new TcpUserException("connection '" + alias + "' was not opened");
            return command.onConnection(id);
        }
    }
}
