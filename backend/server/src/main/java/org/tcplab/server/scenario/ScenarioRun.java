package org.tcplab.server.scenario;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * One scenario started in one lab: its parameters, the lab connection ids its steps opened, and
 * the comparison of the lab's log with the scenario's expectation. Steps run on the lab's thread
 * (they are simulation actions), like everything else that touches the run.
 */
public final class ScenarioRun {

    private final ScenarioDefinition definition;
    private final Map<String, Long> params;
    private final long startUs;
    private final Set<Integer> ports;
    // written by steps on the lab's thread, read by whoever shows the lab: safe to read from any thread
    private final Map<String, String> connections = Collections.synchronizedMap(new LinkedHashMap<>());
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile int stepsDone;

    ScenarioRun(ScenarioDefinition definition, Map<String, Long> params, long startUs) {
        this.definition = definition;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.startUs = startUs;
        this.ports = portsOf(definition, params);
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

    /** Virtual time the run started at; step times count from here. */
    public long startUs() {
        return startUs;
    }

    /** The scenario's connection names ({@code as}) and the lab connection ids they got. */
    public Map<String, String> connections() {
        synchronized (connections) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(connections));
        }
    }

    /** True while some step has yet to run (after the last one the engine may still be busy with its consequences). */
    public boolean running() {
        return stepsDone < definition.steps().size();
    }

    /** Steps that could not be carried out, in plain words. */
    public List<String> failures() {
        return List.copyOf(failures);
    }

    /**
     * Compares the scenario's expectation with the lab's log (the whole log or the part since the run
     * started: earlier events and other ports are ignored). Null if the scenario states no expectation.
     */
    public ScenarioVerdict verdict(List<LoggedEvent> log) {
        if (definition.expectation() == null) return null;
        return new Verifier(definition.expectation(), params, startUs, ports, failures).verdict(log);
    }

    // ---- carrying out steps (called from the simulation's schedule) ----

    void execute(Step step, Simulation sim, EventSink sink) {
        try {
            if (step.narration() != null) {
                Text t = step.narration().fill(params);
                sink.emit(
                        new LabEvent.Narration(sim.nowUs(), connectionOf(step.action()), step.name(), t.en(), t.zh()));
            }
            if (step.action() != null) act(step.action(), sim);
        } catch (RuntimeException e) {
            // a step the lab refuses (port in use, connection gone) must not stop the lab's clock
            String problem = "scenario " + name() + ", step '" + step.name() + "' failed: " + e.getMessage();
            failures.add(problem);
            sink.emit(new LabEvent.Note(sim.nowUs(), null, problem));
        } finally {
            stepsDone++;
        }
    }

    private String connectionOf(Action a) {
        String alias = null;
        if (a instanceof Action.Send s) alias = s.conn();
        else if (a instanceof Action.Close c) alias = c.conn();
        else if (a instanceof Action.Abort ab) alias = ab.conn();
        else if (a instanceof Action.Reading r) alias = r.conn();
        else if (a instanceof Action.Fault f) alias = f.conn();
        return alias == null ? null : connections.get(alias);
    }

    private String lab(String alias) {
        String id = connections.get(alias);
        if (id == null) throw new IllegalStateException("connection '" + alias + "' was not opened");
        return id;
    }

    private long v(Expr e) {
        return e.eval(params);
    }

    private int i(Expr e) {
        return Math.toIntExact(e.eval(params));
    }

    private void act(Action a, Simulation sim) {
        if (a instanceof Action.Listen l) {
            // a lab that already listens there (an earlier scenario) is what the step wants
            if (!sim.host(l.host()).listeners().contains(i(l.port()))) sim.listen(l.host(), i(l.port()));
        } else if (a instanceof Action.Connect c) {
            String id = sim.connect(
                    c.from(),
                    i(c.localPort()),
                    i(c.remotePort()),
                    c.isn() == null ? null : SeqNum.of(v(c.isn())),
                    c.peerIsn() == null ? null : SeqNum.of(v(c.peerIsn())),
                    c.simultaneous());
            connections.put(c.as(), id);
        } else if (a instanceof Action.Send s) {
            byte[] data = s.text() != null ? s.text().getBytes(StandardCharsets.UTF_8) : generated(i(s.bytes()));
            sim.send(lab(s.conn()), s.side(), data);
        } else if (a instanceof Action.Close c) {
            sim.close(lab(c.conn()), c.side());
        } else if (a instanceof Action.Abort ab) {
            sim.abort(lab(ab.conn()), ab.side());
        } else if (a instanceof Action.Crash c) {
            sim.crash(c.host());
        } else if (a instanceof Action.Inject in) {
            sim.inject(in.from(), segment(in), in.delayMs() == null ? 0 : v(in.delayMs()) * 1000);
        } else if (a instanceof Action.Fault f) {
            sim.addFault(new FaultRule(
                    0,
                    f.direction(),
                    f.flags() == null ? null : TcpFlags.parse(f.flags()),
                    f.onlyFlags() == null ? null : TcpFlags.parse(f.onlyFlags()),
                    f.conn() == null ? null : lab(f.conn()),
                    f.nth() == null ? 1 : i(f.nth()),
                    f.count() == null ? 0 : i(f.count()),
                    f.probability(),
                    f.action(),
                    f.delayMs() == null ? 0 : v(f.delayMs()) * 1000));
        } else if (a instanceof Action.Reading r) {
            sim.setReading(lab(r.conn()), r.side(), r.enabled());
        } else if (a instanceof Action.Link l) {
            LinkConfig now = sim.link();
            sim.setLink(new LinkConfig(
                    l.latencyMs() == null ? now.latencyUs() : v(l.latencyMs()) * 1000,
                    l.jitterMs() == null ? now.jitterUs() : v(l.jitterMs()) * 1000,
                    l.bandwidthKbps() == null ? now.bandwidthKbps() : v(l.bandwidthKbps()),
                    l.mtu() == null ? now.mtu() : i(l.mtu()),
                    now.queuePackets()));
        } else if (a instanceof Action.PinIsn p) {
            TcpHost host = sim.host(p.host());
            TcpHost peer = sim.host(p.host().other());
            host.pinIsn(
                    new ConnectionKey(host.address(), i(p.localPort()), peer.address(), i(p.remotePort())),
                    SeqNum.of(v(p.isn())));
        } else {
            throw new IllegalStateException("unknown action " + a);
        }
    }

    private TcpSegment segment(Action.Inject in) {
        TcpSegment.Builder b =
                TcpSegment.builder(i(in.srcPort()), i(in.dstPort())).seq(v(in.seq()));
        if (in.ack() != null) b.ack(v(in.ack()));
        b.rawFlags(TcpFlags.parse(in.flags()));
        b.window(in.window() == null ? 65535 : i(in.window()));
        if (in.mss() != null) b.options(new TcpOption.MaxSegmentSize(i(in.mss())));
        if (in.text() != null) b.payload(in.text().getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    /** Printable, deterministic filler so a capture shows where each segment's bytes belong. */
    static byte[] generated(int n) {
        byte[] out = new byte[n];
        for (int k = 0; k < n; k++) out[k] = (byte) ('a' + k % 26);
        return out;
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
