package org.tcplab.server.lab;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ObservedSide;
import org.tcplab.engine.lab.TapInfo;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.server.system.TcpLabProperties;

/**
 * The lab API's answers (lab-api.md), as records: each record's components are its JSON fields, in
 * that order, nulls included. They are the OpenAPI schemas the frontend's types are generated from,
 * so a field renamed here is a compile error there. Times are milliseconds, as everywhere in JSON.
 */
public final class LabJson {

    private LabJson() {}

    /** 201 to {@code POST /api/labs}: the viewer link's id and the token every change needs. */
    public record LabCreated(
            String id,
            String token,
            String mode,
            String clock,
            double timeScale,
            long seed,
            String viewerUrl,
            String eventsUrl,
            ServerLimits limits) {}

    /** {@code GET /api/labs/{lab}}. */
    public record LabSnapshot(
            String id,
            String mode,
            String clock,
            double timeScale,
            boolean paused,
            boolean stopped,
            double time,
            @Schema(description = "virtual time of the next pending occurrence; null when nothing is pending")
                    Double nextEventTime,
            long seed,
            LinkView link,
            List<HostView> hosts,
            List<ConnectionView> connections,
            List<FaultView> faults,
            long lastEventId,
            int eventCount,
            long retainedBytes,
            int viewers,
            ServerLimits limits,
            @Schema(
                            ref = "#/components/schemas/ScenarioProgress",
                            description = "the scenario running in the lab, if any")
                    LabScenario.Progress scenario,
            @Schema(description = "tap labs: the namespace, device and addresses; null in sim") TapInfo tap,
            @Schema(description = "capture labs: the upload and the conversation shown; null otherwise")
                    CaptureView capture) {

        /** Read on the lab's executor: the world, the log's counters and the scenario's kept verdict. */
        static LabSnapshot of(Lab lab, Lab.LabView v, ServerLimits limits) {
            LabWorld d = v.driver();
            List<HostView> hosts = new ArrayList<>();
            for (HostName h : HostName.values()) {
                // A capture's addresses may be IPv6: its own record has them as captured.
                String ip = d.capture()
                        .map(c -> h == HostName.CLIENT ? c.clientIp() : c.serverIp())
                        .orElse(d.address(h).toString());
                hosts.add(new HostView(h.id(), ip, d.listeners(h)));
            }
            LabScenario scenario = lab.scenario();
            return new LabSnapshot(
                    lab.id(),
                    lab.mode(),
                    v.clock().id(),
                    v.timeScale(),
                    v.paused(),
                    v.stopped(),
                    LabMapping.ms(d.nowUs()),
                    d.nextEventUs() == Long.MAX_VALUE ? null : LabMapping.ms(d.nextEventUs()),
                    lab.settings().sim().seed(),
                    LinkView.of(d.link()),
                    hosts,
                    LabJson.connections(d),
                    d.faults().stream().map(FaultView::of).toList(),
                    v.lastEventId(),
                    v.eventCount(),
                    v.retainedBytes(),
                    lab.viewers(),
                    limits,
                    scenario == null ? null : scenario.progress(),
                    d.tapInfo().orElse(null),
                    d.capture().map(CaptureView::of).orElse(null));
        }
    }

    /** What the snapshot shows of a capture lab's upload ({@code capture}), in the API's units. */
    public record CaptureView(
            String source,
            String format,
            int conversation,
            String client,
            String server,
            int ipVersion,
            long segments,
            int segmentsShown,
            boolean complete,
            String startTime,
            double durationMs,
            double clientDelayMs,
            double serverDelayMs,
            @Schema(
                            description =
                                    "segment.sent time = captured time (ms after the first packet) - the sender's delay + this")
                    double timeOffsetMs,
            String clientState,
            String serverState,
            List<CaptureInfo.Sibling> conversations) {

        static CaptureView of(CaptureInfo c) {
            return new CaptureView(
                    c.source(),
                    c.format(),
                    c.conversation(),
                    c.client(),
                    c.server(),
                    c.ipVersion(),
                    c.segments(),
                    c.segmentsShown(),
                    c.complete(),
                    java.time.Instant.ofEpochSecond(0, c.startEpochNanos()).toString(),
                    LabMapping.ms(c.durationUs()),
                    LabMapping.ms(c.clientDelayUs()),
                    LabMapping.ms(c.serverDelayUs()),
                    LabMapping.ms(c.timeOffsetUs()),
                    c.clientState().name(),
                    c.serverState().name(),
                    c.conversations());
        }
    }

    public record HostView(String name, String ip, List<Integer> listeners) {}

    /** The simulated link, in milliseconds. */
    public record LinkView(double latencyMs, double jitterMs, long bandwidthKbps, int mtu) {
        static LinkView of(LinkConfig link) {
            return new LinkView(
                    LabMapping.ms(link.latencyUs()), LabMapping.ms(link.jitterUs()), link.bandwidthKbps(), link.mtu());
        }
    }

    /** One connection: each host's side, null where that host has none. */
    public record ConnectionView(String id, SideView client, SideView server) {
        ConnectionView with(HostName host, SideView side) {
            return host == HostName.CLIENT
                    ? new ConnectionView(id, side, server)
                    : new ConnectionView(id, client, side);
        }

        SideView side(HostName host) {
            return host == HostName.CLIENT ? client : server;
        }
    }

    /** One host's side of a connection: our stack's TCB, or what is seen of the Linux kernel's. */
    @Schema(oneOf = {TcbSide.class, ObservedSideView.class})
    public sealed interface SideView permits TcbSide, ObservedSideView {}

    /** Our stack's TCB (RFC 9293 §3.3.1 names), sequence numbers absolute. */
    public record TcbSide(
            String state,
            int localPort,
            int remotePort,
            long iss,
            long irs,
            long sndUna,
            long sndNxt,
            long sndWnd,
            long rcvNxt,
            long rcvWnd,
            long cwnd,
            long ssthresh,
            double srttMs,
            double rtoMs,
            int mss,
            long bytesSent,
            long bytesReceived,
            boolean sackOk,
            boolean timestampsOk,
            boolean reading)
            implements SideView {
        static TcbSide of(ConnectionSnapshot c) {
            return new TcbSide(
                    c.state().name(),
                    c.key().localPort(),
                    c.key().remotePort(),
                    c.iss(),
                    c.irs(),
                    c.sndUna(),
                    c.sndNxt(),
                    c.sndWnd(),
                    c.rcvNxt(),
                    c.rcvWnd(),
                    c.cwnd(),
                    c.ssthresh(),
                    LabMapping.ms(c.srttUs()),
                    LabMapping.ms(c.rtoUs()),
                    c.effectiveMss(),
                    c.bytesSent(),
                    c.bytesReceived(),
                    c.sackOk(),
                    c.timestampsOk(),
                    c.reading());
        }
    }

    /** The Linux kernel's side (tap labs): only what can be seen from outside it. */
    public record ObservedSideView(String state, Integer localPort, Integer remotePort, String observed)
            implements SideView {}

    public record FaultView(int id, String direction, FaultMatchView match, String action, double delayMs) {
        public static FaultView of(FaultRule f) {
            return new FaultView(
                    f.id(),
                    f.direction().id(),
                    new FaultMatchView(
                            f.flags() == null ? null : f.flags().names(),
                            f.onlyFlags() == null ? null : f.onlyFlags().names(),
                            f.connection(),
                            f.nth(),
                            f.count(),
                            f.probability()),
                    f.action().id(),
                    LabMapping.ms(f.delayUs()));
        }
    }

    public record FaultMatchView(
            List<String> flags, List<String> onlyFlags, String connection, int nth, int count, double probability) {}

    /** {@code PATCH /api/labs/{lab}/clock}. */
    public record ClockView(String clock, double timeScale, boolean paused, double time) {}

    /** 201 to {@code POST .../listen}: the listener's id is {@code host:port}. */
    public record ListenerCreated(String id, String host, int port) {}

    /** 202 to {@code POST .../send}: where the lab's clock and log stood when it answered. */
    public record SendAccepted(String connection, String side, int bytes, double time, long lastEventId) {}

    /** 202 to {@code POST .../close} and {@code .../abort}. */
    public record SideAccepted(String connection, String side, double time, long lastEventId) {}

    /** 202 to {@code POST .../hosts/{host}/crash}. */
    public record CrashAccepted(String host, double time, long lastEventId) {}

    /** 202 to {@code POST .../inject}. */
    public record InjectAccepted(long segmentId, String from, double time, long lastEventId) {}

    /** The server's limits (the {@code tcplab.*} properties), so a client can stay within them. */
    public record ServerLimits(
            int maxLabs,
            int labsPerClientPerMinute,
            long idleTimeoutSeconds,
            int maxEventsPerLab,
            int maxRequestBytes,
            int maxSendBytes,
            long instantMaxSteps,
            long maxBytesPerLab,
            long maxRunTimeMs,
            long labBusyTimeoutMs,
            int viewerBuffer,
            long viewerBufferBytes,
            long viewerPingIntervalSeconds,
            int maxViewersPerLab,
            int maxViewers,
            int maxInboundFrameBytes,
            int maxInboundFramesPerSecond,
            int maxStringLength,
            int maxFaultsPerLab,
            int maxTrackedClients,
            long requestHeaderTimeoutSeconds,
            long keepAliveTimeoutSeconds,
            long maxCaptureBytes,
            int maxCaptureConversations,
            int maxCaptureSegments) {

        public static ServerLimits of(TcpLabProperties p) {
            return new ServerLimits(
                    p.getMaxLabs(),
                    p.getLabsPerClientPerMinute(),
                    p.getIdleTimeout().toSeconds(),
                    p.getMaxEventsPerLab(),
                    p.getMaxRequestBytes(),
                    p.getMaxSendBytes(),
                    p.getInstantMaxSteps(),
                    p.getMaxBytesPerLab(),
                    p.getMaxRunTime().toMillis(),
                    p.getLabBusyTimeout().toMillis(),
                    p.getViewerBuffer(),
                    p.getViewerBufferBytes(),
                    p.getViewerPingInterval().toSeconds(),
                    p.getMaxViewersPerLab(),
                    p.getMaxViewers(),
                    p.getMaxInboundFrameBytes(),
                    p.getMaxInboundFramesPerSecond(),
                    p.getMaxStringLength(),
                    p.getMaxFaultsPerLab(),
                    p.getMaxTrackedClients(),
                    p.getRequestHeaderTimeout().toSeconds(),
                    p.getKeepAliveTimeout().toSeconds(),
                    p.getMaxCaptureBytes(),
                    p.getMaxCaptureConversations(),
                    p.getMaxCaptureSegments());
        }
    }

    /** Connections by lab id (in the order the lab gave them out), each with both sides. */
    static List<ConnectionView> connections(LabWorld d) {
        Map<String, ConnectionView> byId = new TreeMap<>(LabJson::compareIds);
        for (HostName h : HostName.values()) {
            for (ConnectionSnapshot c : d.connections(h)) {
                byId.merge(
                        c.connection(),
                        new ConnectionView(c.connection(), null, null).with(h, TcbSide.of(c)),
                        (old, added) -> old.with(h, added.side(h)));
            }
            for (ObservedSide o : d.observed(h)) {
                ConnectionView view = byId.computeIfAbsent(o.connection(), id -> new ConnectionView(id, null, null));
                if (view.side(h) == null) {
                    byId.put(
                            o.connection(),
                            view.with(
                                    h,
                                    new ObservedSideView(o.state().name(), o.localPort(), o.remotePort(), o.source())));
                }
            }
        }
        return new ArrayList<>(byId.values());
    }

    /** The connection with id {@code c}, null on both sides if the lab has none now. */
    static ConnectionView connection(LabWorld d, String c) {
        for (ConnectionView v : connections(d)) {
            if (v.id().equals(c)) return v;
        }
        return new ConnectionView(c, null, null);
    }

    static int compareIds(String a, String b) {
        if (a.length() != b.length()) return Integer.compare(a.length(), b.length());
        return a.compareTo(b);
    }
}
