package org.tcplab.server.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.lab.ScriptStatus;

/**
 * One scenario started in one lab: its parameters and the comparison of the lab's log with the
 * scenario's expectation. Its steps run in the lab as a script of commands ({@code RunScript}); how
 * far they have come (steps done, failures, the connection ids its aliases got) is the lab's to
 * say, so read it where the lab may be read (under its lock).
 */
public final class ScenarioRun {

    private static final ScriptStatus NOT_STARTED = new ScriptStatus(0, "", 0, 0, 0, List.of(), Map.of());

    private final ScenarioDefinition definition;
    private final Map<String, Long> params;
    private final long startUs;
    private final Set<Integer> ports;
    private final Supplier<ScriptStatus> status;
    private final int script;

    /** A run whose steps are not played (its verdict alone). */
    ScenarioRun(ScenarioDefinition definition, Map<String, Long> params, long startUs) {
        this(definition, params, startUs, -1, () -> NOT_STARTED);
    }

    ScenarioRun(
            ScenarioDefinition definition,
            Map<String, Long> params,
            long startUs,
            int script,
            Supplier<ScriptStatus> status) {
        this.script = script;
        this.definition = definition;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.startUs = startUs;
        this.ports = portsOf(definition, params);
        this.status = status;
    }

    public String name() {
        return definition.name();
    }

    public String title(Locale locale) {
        return definition.title(locale);
    }

    public ScenarioDefinition definition() {
        return definition;
    }

    /** The parameters the run uses (defaults filled in). */
    public Map<String, Long> params() {
        return params;
    }

    /** The lab's script playing the steps ({@code LabCommand.RunScript}'s id), -1 if none. */
    public int script() {
        return script;
    }

    /** Virtual time the run started at; step times count from here. */
    public long startUs() {
        return startUs;
    }

    /** The ports of the run's connections: the segments its verdict looks at. */
    Set<Integer> ports() {
        return ports;
    }

    /** The scenario's connection names ({@code as}) and the lab connection ids they got. */
    public Map<String, String> connections() {
        return status.get().connections();
    }

    /** True while some step has yet to run (after the last one the engine may still be busy with its consequences). */
    public boolean running() {
        return status.get().running();
    }

    /** Steps that could not be carried out, in plain words. */
    public List<String> failures() {
        return status.get().failures();
    }

    /**
     * Compares the scenario's expectation with the lab's log (the whole log or the part since the run
     * started: earlier events and other ports are ignored). Null if the scenario states no expectation.
     */
    public ScenarioVerdict verdict(List<LoggedEvent> log) {
        if (definition.expectation() == null) return null;
        return new Verifier(definition.expectation(), params, startUs, ports, failures()).verdict(log);
    }

    private static Set<Integer> portsOf(ScenarioDefinition def, Map<String, Long> params) {
        Set<Integer> ports = new TreeSet<>();
        for (Step s : def.steps()) {
            Action a = s.action();
            if (a instanceof Action.Listen l) {
                ports.add((int) l.port().eval(params));
            } else if (a instanceof Action.Connect c) {
                ports.add((int) c.localPort().eval(params));
                ports.add((int) c.remotePort().eval(params));
            } else if (a instanceof Action.Inject in) {
                ports.add((int) in.srcPort().eval(params));
                ports.add((int) in.dstPort().eval(params));
            } else if (a instanceof Action.PinIsn p) {
                ports.add((int) p.localPort().eval(params));
                ports.add((int) p.remotePort().eval(params));
            }
        }
        return ports;
    }
}
