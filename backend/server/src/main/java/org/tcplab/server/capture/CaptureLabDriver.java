package org.tcplab.server.capture;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.capture.CaptureFile;
import org.tcplab.engine.capture.CapturedSegment;
import org.tcplab.engine.capture.Conversation;
import org.tcplab.engine.capture.ConversationReplay;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.LabDriver;
import org.tcplab.server.lab.LabMapping;

/**
 * One captured conversation as a lab: its replay's events, logged once when the lab is made, and
 * its final inferred TCBs. Read-only: the lab refuses every change (409) before it reaches here,
 * and whatever would change it here answers the same way.
 */
final class CaptureLabDriver implements LabDriver {

    private static final String READ_ONLY = "a capture lab is read-only: it shows what was captured";

    /** What the snapshot shows; the captured bytes themselves live on only in the logged events. */
    private final Map<String, Object> info;

    private final CapturedSegment.Endpoint client;
    private final CapturedSegment.Endpoint server;
    private final List<ConnectionSnapshot> clientConnections;
    private final List<ConnectionSnapshot> serverConnections;
    private final boolean serverListened;
    private final long endUs;
    private final long delayUs;
    private volatile List<Map<String, Object>> siblings = List.of();

    CaptureLabDriver(ConversationReplay.Result replay, CaptureFile.Format format, String source, EventSink events) {
        Conversation c = replay.conversation();
        this.client = c.client();
        this.server = c.server();
        this.clientConnections = replay.clientConnections();
        this.serverConnections = replay.serverConnections();
        this.endUs = replay.endUs();
        this.delayUs = replay.clientDelayUs() + replay.serverDelayUs();
        boolean listened = false;
        for (LabEvent e : replay.events()) {
            if (e instanceof LabEvent.StateChanged s && s.host() == HostName.SERVER && s.to() == TcpState.LISTEN) {
                listened = true;
            }
        }
        this.serverListened = listened;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("format", format.id());
        m.put("conversation", c.index());
        m.put("client", c.client().toString());
        m.put("server", c.server().toString());
        m.put("ipVersion", c.segments().get(0).ipVersion());
        m.put("segments", c.segmentCount());
        m.put("segmentsShown", c.segments().size());
        m.put("complete", c.handshakeSeen());
        m.put("startTime", Instant.ofEpochSecond(0, replay.startNanos()).toString());
        m.put("durationMs", LabMapping.ms(c.durationNanos() / 1000));
        m.put("clientDelayMs", LabMapping.ms(replay.clientDelayUs()));
        m.put("serverDelayMs", LabMapping.ms(replay.serverDelayUs()));
        // segment.sent time = captured time (ms after the first packet) - the sender's delay + this
        m.put("timeOffsetMs", LabMapping.ms(replay.timeOffsetUs()));
        m.put("clientState", replay.clientState().name());
        m.put("serverState", replay.serverState().name());
        this.info = java.util.Collections.unmodifiableMap(m);
        for (LabEvent e : replay.events()) events.emit(e);
    }

    /** The other conversations of the same upload, for the page to move between them. */
    void siblings(List<Map<String, Object>> all) {
        this.siblings = List.copyOf(all);
    }

    @Override
    public boolean readOnly() {
        return true;
    }

    @Override
    public long nowUs() {
        return endUs;
    }

    @Override
    public Ipv4Address address(HostName host) {
        String ip = endpoint(host).ip();
        return ip.indexOf(':') < 0 ? Ipv4Address.parse(ip) : new Ipv4Address(0);
    }

    @Override
    public String hostIp(HostName host) {
        return endpoint(host).ip();
    }

    private CapturedSegment.Endpoint endpoint(HostName host) {
        return host == HostName.CLIENT ? client : server;
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return host == HostName.SERVER && serverListened ? List.of(server.port()) : List.of();
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return host == HostName.CLIENT ? clientConnections : serverConnections;
    }

    @Override
    public boolean knowsConnection(String connection) {
        return ConversationReplay.CONNECTION.equals(connection);
    }

    @Override
    public LinkConfig link() {
        return new LinkConfig(delayUs, 0, 0, 1500, 0);
    }

    @Override
    public Object captureInfo() {
        Map<String, Object> m = new LinkedHashMap<>(info);
        m.put("conversations", siblings);
        return m;
    }

    // ---- nothing changes a capture

    @Override
    public void listen(HostName host, int port) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public String connect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public void send(String connection, HostName side, byte[] data) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public void close(String connection, HostName side) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public void abort(String connection, HostName side) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public void crash(HostName host) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public long inject(HostName from, TcpSegment segment, long delayUs) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public FaultRule addFault(FaultRule rule) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public boolean removeFault(int id) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public List<FaultRule> faults() {
        return List.of();
    }

    @Override
    public void schedule(long atUs, Runnable action) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public boolean runUntilIdle(long maxSteps) {
        return true; // nothing is ever pending
    }

    @Override
    public void runUntil(long timeUs) {}

    @Override
    public boolean step() {
        return false;
    }

    @Override
    public long nextEventUs() {
        return Long.MAX_VALUE;
    }
}
