package org.tcplab.server.lab;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ObservedSide;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.TcpLabProperties;

/** JSON (milliseconds, names) to engine values (microseconds, types) and back. */
public final class LabMapping {

    private LabMapping() {}

    public static long us(double ms) {
        return Math.round(ms * 1000.0);
    }

    public static double ms(long us) {
        return us / 1000.0;
    }

    /** The engine's SimConfig from a create request: {@code tcp} for both hosts, then each host's own overrides. */
    public static SimConfig simConfig(LabSpec req, long seed) {
        SimConfig d = SimConfig.defaults(seed);
        LinkConfig link = linkConfig(req.link(), d.link());
        TcpConfig tcp = tcpConfig(req.tcp(), d.client());
        return new SimConfig(
                seed,
                link,
                tcpConfig(req.clientTcp(), tcp),
                tcpConfig(req.serverTcp(), tcp),
                d.clientIp(),
                d.serverIp());
    }

    /** {@code base} with the fields the request gives (ms in JSON, us in the engine); null keeps. */
    static LinkConfig linkConfig(LabSpec.Link l, LinkConfig base) {
        if (l == null) return base;
        return new LinkConfig(
                l.latencyMs() == null ? base.latencyUs() : us(l.latencyMs()),
                l.jitterMs() == null ? base.jitterUs() : us(l.jitterMs()),
                l.bandwidthKbps() == null ? base.bandwidthKbps() : l.bandwidthKbps(),
                l.mtu() == null ? base.mtu() : l.mtu(),
                base.queuePackets());
    }

    /** The link as JSON shows it (ms), in the snapshot and in PATCH /link's answer. */
    static Map<String, Object> linkView(LinkConfig link) {
        Map<String, Object> lm = new LinkedHashMap<>();
        lm.put("latencyMs", ms(link.latencyUs()));
        lm.put("jitterMs", ms(link.jitterUs()));
        lm.put("bandwidthKbps", link.bandwidthKbps());
        lm.put("mtu", link.mtu());
        return lm;
    }

    static TcpConfig tcpConfig(LabSpec.Tcp t, TcpConfig c) {
        if (t == null) return c;
        if (t.mss() != null) c = c.withMss(t.mss());
        if (t.window() != null) c = c.withWindow(t.window());
        if (t.windowScale() != null) c = c.withWindowScale(t.windowScale());
        if (t.sack() != null) c = c.withSack(t.sack());
        if (t.timestamps() != null) c = c.withTimestamps(t.timestamps());
        if (t.initialRtoMs() != null) c = c.withInitialRtoUs(us(t.initialRtoMs()));
        if (t.minRtoMs() != null) c = c.withMinRtoUs(us(t.minRtoMs()));
        if (t.synRetries() != null) c = c.withSynRetries(t.synRetries());
        if (t.synAckRetries() != null) c = c.withSynAckRetries(t.synAckRetries());
        if (t.mslMs() != null) c = c.withMslUs(us(t.mslMs()));
        if (t.twoWayHandshake() != null) c = c.withTwoWayHandshake(t.twoWayHandshake());
        if (t.delayedAck() != null) c = c.withDelayedAck(t.delayedAck());
        if (t.nagle() != null) c = c.withNagle(t.nagle());
        if (t.invalidAckIntervalMs() != null) c = c.withInvalidAckIntervalUs(us(t.invalidAckIntervalMs()));
        if (t.challengeAckLimit() != null) c = c.withChallengeAckLimit(t.challengeAckLimit());
        return c;
    }

    /** A crafted segment from its JSON; bad values are 400s naming the field. */
    public static TcpSegment segment(LabRequests.Segment s) {
        TcpFlags flags = s.flags() == null ? TcpFlags.NONE : TcpFlags.parse(s.flags());
        TcpSegment.Builder b = TcpSegment.builder(s.srcPort(), s.dstPort())
                .seq(s.seq() == null ? 0 : s.seq())
                .rawFlags(flags)
                .window(s.window() == null ? 65535 : s.window())
                .urgentPointer(s.urgentPointer() == null ? 0 : s.urgentPointer());
        if (flags.ack()) {
            b.ack(s.ack() == null ? 0 : s.ack());
        } else if (s.ack() != null && s.ack() != 0) {
            throw LabProblem.badInput("segment.ack", "an ack number needs the ACK flag (RFC 9293 §3.1)");
        }
        if (s.options() != null) {
            List<TcpOption> options = new ArrayList<>();
            for (int i = 0; i < s.options().size(); i++) {
                options.add(option(s.options().get(i), "segment.options[" + i + "]"));
            }
            b.options(options);
        }
        if (s.text() != null) {
            b.payload(s.text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return b.build();
    }

    static TcpOption option(LabRequests.Option o, String path) {
        String kind = o.kind().trim().toUpperCase(java.util.Locale.ROOT);
        switch (kind) {
            case "MSS":
                return new TcpOption.MaxSegmentSize((int) bounded(o.value(), 0xffff, path + ".value"));
            case "WS":
                return new TcpOption.WindowScale((int) bounded(o.value(), 255, path + ".value"));
            case "SACK_PERMITTED":
                return new TcpOption.SackPermitted();
            case "NOP":
                return new TcpOption.NoOp();
            case "EOL":
                return new TcpOption.EndOfList();
            case "TS":
                return new TcpOption.Timestamps(
                        (int) bounded(o.value(), 0xffffffffL, path + ".value"),
                        o.echo() == null ? 0 : (int) (long) o.echo());
            case "SACK": {
                if (o.blocks() == null || o.blocks().isEmpty()) {
                    throw LabProblem.badInput(path + ".blocks", "a SACK option carries 1 to 4 blocks");
                }
                List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (LabRequests.SackBlock sb : o.blocks()) {
                    blocks.add(new TcpOption.SackBlock(SeqNum.of(sb.left()), SeqNum.of(sb.right())));
                }
                return new TcpOption.Sack(blocks);
            }
            default: {
                int k;
                try {
                    k = Integer.parseInt(kind);
                } catch (NumberFormatException e) {
                    throw LabProblem.badInput(
                            path + ".kind", "must be MSS, WS, SACK_PERMITTED, SACK, TS, NOP, EOL or a number 0-255");
                }
                if (k < 0 || k > 255) {
                    throw LabProblem.badInput(path + ".kind", "an option kind is 0-255");
                }
                return new TcpOption.Unknown(k, o.data() == null ? new byte[0] : Hex.parse(o.data()));
            }
        }
    }

    private static long bounded(Long v, long max, String field) {
        if (v == null) throw LabProblem.badInput(field, "required for this option kind");
        if (v < 0 || v > max) throw LabProblem.badInput(field, "must be 0.." + max);
        return v;
    }

    public static HostName host(String s, HostName dflt) {
        return s == null ? dflt : HostName.parse(s);
    }

    // ---- snapshot ----

    public static Map<String, Object> fault(FaultRule f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("direction", f.direction().id());
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("flags", f.flags() == null ? null : f.flags().names());
        match.put("onlyFlags", f.onlyFlags() == null ? null : f.onlyFlags().names());
        match.put("connection", f.connection());
        match.put("nth", f.nth());
        match.put("count", f.count());
        match.put("probability", f.probability());
        m.put("match", match);
        m.put("action", f.action().id());
        m.put("delayMs", ms(f.delayUs()));
        return m;
    }

    public static Map<String, Object> snapshot(Lab lab, Lab.LabView v, TcpLabProperties props) {
        LabWorld d = v.driver();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", lab.id());
        m.put("mode", lab.mode());
        m.put("clock", v.clock().id());
        m.put("timeScale", v.timeScale());
        m.put("paused", v.paused());
        m.put("stopped", v.stopped());
        m.put("time", ms(d.nowUs()));
        m.put("nextEventTime", d.nextEventUs() == Long.MAX_VALUE ? null : ms(d.nextEventUs()));
        m.put("seed", lab.settings().sim().seed());
        m.put("link", linkView(d.link()));
        List<Map<String, Object>> hosts = new ArrayList<>();
        for (HostName h : HostName.values()) {
            Map<String, Object> hm = new LinkedHashMap<>();
            hm.put("name", h.id());
            // A capture's addresses may be IPv6: its own record has them as captured.
            hm.put(
                    "ip",
                    d.capture()
                            .map(c -> h == HostName.CLIENT ? c.clientIp() : c.serverIp())
                            .orElse(d.address(h).toString()));
            hm.put("listeners", d.listeners(h));
            hosts.add(hm);
        }
        m.put("hosts", hosts);
        m.put("connections", connections(d));
        List<Map<String, Object>> faults = new ArrayList<>();
        for (FaultRule f : d.faults()) faults.add(fault(f));
        m.put("faults", faults);
        m.put("lastEventId", v.lastEventId());
        m.put("eventCount", v.eventCount());
        m.put("retainedBytes", v.retainedBytes());
        m.put("viewers", lab.viewers());
        m.put("limits", limits(props));
        m.put("scenario", lab.scenario() == null ? null : scenarioView(lab, v));
        m.put("tap", d.tapInfo().orElse(null));
        m.put("capture", d.capture().map(LabMapping::captureView).orElse(null));
        return m;
    }

    /** What the snapshot shows of a capture lab's upload ({@code capture}), in the API's units. */
    static Map<String, Object> captureView(CaptureInfo c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", c.source());
        m.put("format", c.format());
        m.put("conversation", c.conversation());
        m.put("client", c.client());
        m.put("server", c.server());
        m.put("ipVersion", c.ipVersion());
        m.put("segments", c.segments());
        m.put("segmentsShown", c.segmentsShown());
        m.put("complete", c.complete());
        m.put("startTime", Instant.ofEpochSecond(0, c.startEpochNanos()).toString());
        m.put("durationMs", ms(c.durationUs()));
        m.put("clientDelayMs", ms(c.clientDelayUs()));
        m.put("serverDelayMs", ms(c.serverDelayUs()));
        // segment.sent time = captured time (ms after the first packet) - the sender's delay + this
        m.put("timeOffsetMs", ms(c.timeOffsetUs()));
        m.put("clientState", c.clientState().name());
        m.put("serverState", c.serverState().name());
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (CaptureInfo.Sibling s : c.conversations()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("index", s.index());
            x.put("labId", s.labId());
            x.put("client", s.client());
            x.put("server", s.server());
            x.put("segments", s.segments());
            x.put("complete", s.complete());
            siblings.add(x);
        }
        m.put("conversations", siblings);
        return m;
    }

    /** Hook for the scenario feature: replaced once the scenario runner is merged. */
    static Object scenarioView(Lab lab, Lab.LabView v) {
        Object s = lab.scenario();
        return s instanceof ScenarioView sv ? sv.view(v.eventsAfter(0)) : null;
    }

    /** What a running scenario shows in the snapshot. */
    public interface ScenarioView {
        Object view(List<org.tcplab.engine.event.LoggedEvent> log);
    }

    public static Map<String, Object> limits(TcpLabProperties p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("maxLabs", p.getMaxLabs());
        m.put("labsPerClientPerMinute", p.getLabsPerClientPerMinute());
        m.put("idleTimeoutSeconds", p.getIdleTimeout().toSeconds());
        m.put("maxEventsPerLab", p.getMaxEventsPerLab());
        m.put("maxRequestBytes", p.getMaxRequestBytes());
        m.put("maxSendBytes", p.getMaxSendBytes());
        m.put("instantMaxSteps", p.getInstantMaxSteps());
        m.put("maxBytesPerLab", p.getMaxBytesPerLab());
        m.put("maxRunTimeMs", p.getMaxRunTime().toMillis());
        m.put("labBusyTimeoutMs", p.getLabBusyTimeout().toMillis());
        m.put("viewerBuffer", p.getViewerBuffer());
        m.put("viewerBufferBytes", p.getViewerBufferBytes());
        m.put("viewerPingIntervalSeconds", p.getViewerPingInterval().toSeconds());
        m.put("maxViewersPerLab", p.getMaxViewersPerLab());
        m.put("maxViewers", p.getMaxViewers());
        m.put("maxInboundFrameBytes", p.getMaxInboundFrameBytes());
        m.put("maxInboundFramesPerSecond", p.getMaxInboundFramesPerSecond());
        m.put("maxStringLength", p.getMaxStringLength());
        m.put("maxFaultsPerLab", p.getMaxFaultsPerLab());
        m.put("maxTrackedClients", p.getMaxTrackedClients());
        m.put("requestHeaderTimeoutSeconds", p.getRequestHeaderTimeout().toSeconds());
        m.put("keepAliveTimeoutSeconds", p.getKeepAliveTimeout().toSeconds());
        m.put("maxCaptureBytes", p.getMaxCaptureBytes());
        m.put("maxCaptureConversations", p.getMaxCaptureConversations());
        m.put("maxCaptureSegments", p.getMaxCaptureSegments());
        return m;
    }

    /** Connections by lab id, each with the client's and the server's side (null where absent). */
    public static List<Map<String, Object>> connections(LabWorld d) {
        Map<String, Map<String, Object>> byId = new TreeMap<>(LabMapping::compareIds);
        for (HostName h : HostName.values()) {
            for (ConnectionSnapshot c : d.connections(h)) {
                Map<String, Object> cm = byId.computeIfAbsent(c.connection(), id -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("id", id);
                    x.put("client", null);
                    x.put("server", null);
                    return x;
                });
                cm.put(h.id(), side(c));
            }
            // The Linux kernel's side (tap labs): only what can be seen from outside it.
            for (ObservedSide o : d.observed(h)) {
                Map<String, Object> cm = byId.computeIfAbsent(o.connection(), id -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("id", id);
                    x.put("client", null);
                    x.put("server", null);
                    return x;
                });
                if (cm.get(h.id()) == null) {
                    Map<String, Object> side = new LinkedHashMap<>();
                    side.put("state", o.state().name());
                    side.put("localPort", o.localPort());
                    side.put("remotePort", o.remotePort());
                    side.put("observed", o.source());
                    cm.put(h.id(), side);
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    static int compareIds(String a, String b) {
        if (a.length() != b.length()) return Integer.compare(a.length(), b.length());
        return a.compareTo(b);
    }

    static Map<String, Object> side(ConnectionSnapshot c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", c.state().name());
        m.put("localPort", c.key().localPort());
        m.put("remotePort", c.key().remotePort());
        m.put("iss", c.iss());
        m.put("irs", c.irs());
        m.put("sndUna", c.sndUna());
        m.put("sndNxt", c.sndNxt());
        m.put("sndWnd", c.sndWnd());
        m.put("rcvNxt", c.rcvNxt());
        m.put("rcvWnd", c.rcvWnd());
        m.put("cwnd", c.cwnd());
        m.put("ssthresh", c.ssthresh());
        m.put("srttMs", ms(c.srttUs()));
        m.put("rtoMs", ms(c.rtoUs()));
        m.put("mss", c.effectiveMss());
        m.put("bytesSent", c.bytesSent());
        m.put("bytesReceived", c.bytesReceived());
        m.put("sackOk", c.sackOk());
        m.put("timestampsOk", c.timestampsOk());
        m.put("reading", c.reading());
        return m;
    }
}
