package org.tcplab.server.scenario;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScriptStep;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Starts scenarios: the one interpreter every scenario file runs on. It checks the parameters,
 * applies the lab setup and compiles the steps into the lab's own commands, scheduled at their
 * times ({@link LabCommand.RunScript}), so a scenario run is data like any other change to a lab. It
 * never moves the clock itself, so every clock mode (instant, realtime, step) plays a scenario the
 * same.
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

    /** Whether {@link #start} can run this scenario in this lab (else create one with {@link #configure}). */
    public boolean fits(ScenarioDefinition def, Map<String, Object> params, LabWorld world) {
        return misfit(def, resolveParams(def, params), world) == null;
    }

    /** Why the scenario cannot run in {@code world}, or null if it can. */
    private static String misfit(ScenarioDefinition def, Map<String, Long> values, LabWorld world) {
        if (!world.capabilities().scripts()) return "scenarios run in sim labs only";
        for (HostName h : HostName.values()) {
            TcpConfig now = world.tcp(h);
            if (!tcp(def.setup(), values, now).equals(now)) {
                return "scenario " + def.name() + " needs a lab created with tcp settings "
                        + new TreeMap<>(def.setup().tcp()) + "; this lab's " + h.id() + " has other settings";
            }
        }
        return null;
    }

    /**
     * Validates {@code params}, applies the scenario's link settings and starts its steps as a script
     * from the lab's current time on (both through the lab's commands). Narration goes to the lab's
     * log as each step runs.
     *
     * @throws IllegalArgumentException a parameter is unknown or invalid (the message names it)
     * @throws IllegalStateException the lab cannot run scenarios, or its TCP settings are not the ones the
     *     scenario needs
     */
    public ScenarioRun start(ScenarioDefinition def, Map<String, Object> params, LabWorld world) {
        Map<String, Long> values = resolveParams(def, params);
        String misfit = misfit(def, values, world);
        if (misfit != null) throw new IllegalStateException(misfit);
        if (!def.setup().link().isEmpty()) world.setLink(link(def.setup(), values, world.link()));
        long startUs = world.nowUs();
        int script = world.apply(new LabCommand.RunScript("scenario " + def.name(), steps(def, values, world.link())));
        return resume(def, values, startUs, script, world);
    }

    /** The run whose steps script {@code script} of {@code world} plays (a lab rebuilt from its journal). */
    public ScenarioRun resume(
            ScenarioDefinition def, Map<String, Long> values, long startUs, int script, LabWorld world) {
        return new ScenarioRun(def, values, startUs, script, () -> world.script(script));
    }

    /**
     * The scenario's steps as the lab's commands, at their times. A step changing only some link
     * settings keeps the others as the steps before it left them ({@code link}: as the run starts).
     */
    static List<ScriptStep> steps(ScenarioDefinition def, Map<String, Long> values, LinkConfig link) {
        List<Step> inTimeOrder = new ArrayList<>(def.steps());
        // The scheduler runs equal times in the order given: a stable sort keeps the file's order there.
        inTimeOrder.sort(Comparator.comparingLong(s -> s.atUs(values)));
        Map<Step, LabCommand<?>> commands = new LinkedHashMap<>();
        for (Step step : inTimeOrder) {
            if (step.action() instanceof Action.Link l) link = link(l, values, link);
            commands.put(step, step.action() instanceof Action.Link ? new LabCommand.SetLink(link) : null);
        }
        List<ScriptStep> out = new ArrayList<>(def.steps().size());
        for (Step step : def.steps()) {
            Action a = step.action();
            LabCommand<?> command = a instanceof Action.Link ? commands.get(step) : command(a, values);
            Text t = step.narration() == null ? null : step.narration().fill(values);
            out.add(new ScriptStep(
                    step.atUs(values),
                    step.name(),
                    t == null ? null : t.en(),
                    t == null ? null : t.zh(),
                    a instanceof Action.Connect c ? c.as() : null,
                    command));
        }
        return out;
    }

    /** One step's action as a lab command; connections are named by the scenario's aliases. */
    private static LabCommand<?> command(Action a, Map<String, Long> values) {
        if (a == null) return null;
        if (a instanceof Action.Listen l) {
            // a lab that already listens there (an earlier scenario) is what the step wants
            return new LabCommand.Listen(l.host(), i(l.port(), values), true);
        } else if (a instanceof Action.Connect c) {
            return new LabCommand.Connect(
                    c.from(),
                    i(c.localPort(), values),
                    i(c.remotePort(), values),
                    c.isn() == null ? null : SeqNum.of(c.isn().eval(values)),
                    c.peerIsn() == null ? null : SeqNum.of(c.peerIsn().eval(values)),
                    c.simultaneous());
        } else if (a instanceof Action.Send s) {
            byte[] data =
                    s.text() != null ? s.text().getBytes(StandardCharsets.UTF_8) : generated(i(s.bytes(), values));
            return new LabCommand.Send(s.conn(), s.side(), data);
        } else if (a instanceof Action.Close c) {
            return new LabCommand.Close(c.conn(), c.side());
        } else if (a instanceof Action.Abort ab) {
            return new LabCommand.Abort(ab.conn(), ab.side());
        } else if (a instanceof Action.Crash c) {
            return new LabCommand.Crash(c.host());
        } else if (a instanceof Action.Inject in) {
            return new LabCommand.Inject(
                    in.from(),
                    segment(in, values),
                    in.delayMs() == null ? 0 : in.delayMs().eval(values) * 1000);
        } else if (a instanceof Action.Fault f) {
            return new LabCommand.AddFault(new FaultRule(
                    0,
                    f.direction(),
                    f.flags() == null ? null : TcpFlags.parse(f.flags()),
                    f.onlyFlags() == null ? null : TcpFlags.parse(f.onlyFlags()),
                    f.conn(),
                    f.nth() == null ? 1 : i(f.nth(), values),
                    f.count() == null ? 0 : i(f.count(), values),
                    f.probability(),
                    f.action(),
                    f.delayMs() == null ? 0 : f.delayMs().eval(values) * 1000));
        } else if (a instanceof Action.Reading r) {
            return new LabCommand.SetReading(r.conn(), r.side(), r.enabled());
        } else if (a instanceof Action.PinIsn p) {
            return new LabCommand.PinIsn(
                    p.host(),
                    i(p.localPort(), values),
                    i(p.remotePort(), values),
                    SeqNum.of(p.isn().eval(values)));
        }
        throw new IllegalStateException("unknown action " + a);
    }

    private static TcpSegment segment(Action.Inject in, Map<String, Long> values) {
        TcpSegment.Builder b = TcpSegment.builder(i(in.srcPort(), values), i(in.dstPort(), values))
                .seq(in.seq().eval(values));
        if (in.ack() != null) b.ack(in.ack().eval(values));
        b.rawFlags(TcpFlags.parse(in.flags()));
        b.window(in.window() == null ? 65535 : i(in.window(), values));
        if (in.mss() != null) b.options(new TcpOption.MaxSegmentSize(i(in.mss(), values)));
        if (in.text() != null) b.payload(in.text().getBytes(StandardCharsets.UTF_8));
        return b.build();
    }

    /** Printable, deterministic filler so a capture shows where each segment's bytes belong. */
    static byte[] generated(int n) {
        byte[] out = new byte[n];
        for (int k = 0; k < n; k++) out[k] = (byte) ('a' + k % 26);
        return out;
    }

    private static int i(Expr e, Map<String, Long> values) {
        return Math.toIntExact(e.eval(values));
    }

    private static LinkConfig link(Action.Link l, Map<String, Long> values, LinkConfig now) {
        return new LinkConfig(
                l.latencyMs() == null ? now.latencyUs() : l.latencyMs().eval(values) * 1000,
                l.jitterMs() == null ? now.jitterUs() : l.jitterMs().eval(values) * 1000,
                l.bandwidthKbps() == null
                        ? now.bandwidthKbps()
                        : l.bandwidthKbps().eval(values),
                l.mtu() == null ? now.mtu() : i(l.mtu(), values),
                now.queuePackets());
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
                case "fourWayHandshake" -> c.withFourWayHandshake(b);
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
