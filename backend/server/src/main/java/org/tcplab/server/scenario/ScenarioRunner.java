package org.tcplab.server.scenario;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.tcp.TcpConfig;

/**
 * Starts scenarios: the one interpreter every scenario file runs on. It checks the parameters,
 * applies the lab setup and turns each step into a {@link Simulation#schedule} action; it never
 * moves the clock itself, so every clock mode (instant, realtime, step) plays a scenario the same.
 *
 * <p>TCP settings are fixed when a simulation is built, so a scenario that needs some (the two-way
 * handshake variant) must run in a lab created with {@link #configure}; {@link #start} refuses a lab
 * whose settings differ rather than playing a scenario that would show something else.
 */
@Component
public class ScenarioRunner {

    /**
     * Checks {@code given} against the scenario's parameters and fills in defaults. Throws
     * {@link ScenarioParamException} (an IllegalArgumentException) naming the parameter for unknown
     * names, non-integers and values out of range.
     */
    public Map<String, Long> resolveParams(ScenarioDefinition def, Map<String, Object> given) {
        Map<String, Object> in = given == null ? Map.of() : given;
        for (String k : new TreeMap<>(in).keySet()) {
            if (def.params().stream().noneMatch(p -> p.name().equals(k))) {
                throw new ScenarioParamException(
                        k,
                        "unknown parameter '" + k + "' for scenario " + def.name() + " (parameters: "
                                + def.params().stream().map(ParamSpec::name).toList() + ")");
            }
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (ParamSpec p : def.params()) {
            Object v = in.get(p.name());
            out.put(p.name(), v == null ? p.defaultValue() : p.check(v, "parameter"));
        }
        return out;
    }

    /** The lab configuration this scenario asks for, starting from {@code base} (use it to create the lab). */
    public SimConfig configure(ScenarioDefinition def, Map<String, Object> params, SimConfig base) {
        Map<String, Long> values = resolveParams(def, params);
        return new SimConfig(
                base.seed(),
                link(def.setup(), values, base.link()),
                tcp(def.setup(), values, base.client()),
                tcp(def.setup(), values, base.server()),
                base.clientIp(),
                base.serverIp());
    }

    /** Whether {@link #start} can run this scenario in a lab with these settings (else create one with {@link #configure}). */
    public boolean fits(ScenarioDefinition def, Map<String, Object> params, Simulation sim) {
        Map<String, Long> values = resolveParams(def, params);
        for (HostName h : HostName.values()) {
            TcpConfig now = sim.host(h).config();
            if (!tcp(def.setup(), values, now).equals(now)) return false;
        }
        return true;
    }

    /**
     * Validates {@code params}, applies the scenario's link settings and schedules its steps from the
     * simulation's current time on. Narration goes to {@code sink} (the lab's log) as each step runs.
     *
     * @throws IllegalArgumentException a parameter is unknown or invalid (the message names it)
     * @throws IllegalStateException the lab's TCP settings are not the ones the scenario needs
     */
    public ScenarioRun start(ScenarioDefinition def, Map<String, Object> params, Simulation sim, EventSink sink) {
        Map<String, Long> values = resolveParams(def, params);
        for (HostName h : HostName.values()) {
            TcpConfig now = sim.host(h).config();
            if (!tcp(def.setup(), values, now).equals(now)) {
                throw new IllegalStateException("scenario " + def.name() + " needs a lab created with tcp settings "
                        + new TreeMap<>(def.setup().tcp()) + "; this lab's " + h.id() + " has other settings");
            }
        }
        if (!def.setup().link().isEmpty()) sim.setLink(link(def.setup(), values, sim.link()));
        ScenarioRun run = new ScenarioRun(def, values, sim.nowUs());
        for (Step step : def.steps()) {
            sim.schedule(run.startUs() + step.atUs(values), () -> run.execute(step, sim, sink));
        }
        return run;
    }

    static TcpConfig tcp(LabSetup setup, Map<String, Long> values, TcpConfig c) {
        for (Map.Entry<String, Object> e : new TreeMap<>(setup.tcp()).entrySet()) {
            Object v = e.getValue();
            long n = v instanceof Expr x ? x.eval(values) : 0;
            boolean b = v instanceof Boolean bool && bool;
            c = switch (e.getKey()) {
                case "mss" -> c.withMss((int) n);
                case "window" -> c.withWindow((int) n);
                case "windowScale" -> c.withWindowScale((int) n);
                case "sack" -> c.withSack(b);
                case "timestamps" -> c.withTimestamps(b);
                case "initialRtoMs" -> c.withInitialRtoUs(n * 1000);
                case "minRtoMs" -> c.withMinRtoUs(n * 1000);
                case "synRetries" -> c.withSynRetries((int) n);
                case "synAckRetries" -> c.withSynAckRetries((int) n);
                case "mslMs" -> c.withMslUs(n * 1000);
                case "twoWayHandshake" -> c.withTwoWayHandshake(b);
                case "delayedAck" -> c.withDelayedAck(b);
                case "nagle" -> c.withNagle(b);
                default -> throw new IllegalStateException("unknown tcp setting " + e.getKey());
            };
        }
        return c;
    }

    static LinkConfig link(LabSetup setup, Map<String, Long> values, LinkConfig l) {
        Map<String, Object> s = setup.link();
        return new LinkConfig(
                s.containsKey("latencyMs") ? ((Expr) s.get("latencyMs")).eval(values) * 1000 : l.latencyUs(),
                s.containsKey("jitterMs") ? ((Expr) s.get("jitterMs")).eval(values) * 1000 : l.jitterUs(),
                s.containsKey("bandwidthKbps") ? ((Expr) s.get("bandwidthKbps")).eval(values) : l.bandwidthKbps(),
                s.containsKey("mtu") ? (int) ((Expr) s.get("mtu")).eval(values) : l.mtu(),
                l.queuePackets());
    }
}
