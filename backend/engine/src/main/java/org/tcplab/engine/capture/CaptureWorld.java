package org.tcplab.engine.capture;

import java.util.List;
import java.util.Optional;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * One captured conversation as a lab's world (lab-api.md "Captures"): its replay's events, emitted
 * once when the world is made, and the TCBs inferred at the capture's end. It is a record of what
 * happened elsewhere, so it is read-only ({@link LabCapabilities#READ_ONLY}): every command is
 * refused with {@link TcpUserException} (409), and nothing is ever pending. The captured bytes live
 * on only in the logged events.
 */
public final class CaptureWorld implements LabWorld {

    static final String READ_ONLY =
            "a capture lab is read-only: it shows what was captured; start a lab of your own" + " to change things";

    private final CaptureInfo info;
    private final List<ConnectionSnapshot> clientConnections;
    private final List<ConnectionSnapshot> serverConnections;
    private final int serverPort;
    private final boolean serverListened;
    private final long endUs;
    private final long delayUs;

    /**
     * Emits {@code replay}'s events to {@code events}.
     *
     * @param source the file's name, for display
     * @param conversations every conversation of the same upload, with its lab
     */
    public CaptureWorld(
            ConversationReplay.Result replay,
            CaptureFile.Format format,
            String source,
            List<CaptureInfo.Sibling> conversations,
            EventSink events) {
        Conversation c = replay.conversation();
        this.clientConnections = List.copyOf(replay.clientConnections());
        this.serverConnections = List.copyOf(replay.serverConnections());
        this.serverPort = c.server().port();
        this.endUs = replay.endUs();
        this.delayUs = replay.clientDelayUs() + replay.serverDelayUs();
        this.info = new CaptureInfo(
                source,
                format.id(),
                c.index(),
                c.client().ip(),
                c.server().ip(),
                c.client().toString(),
                c.server().toString(),
                c.segments().get(0).ipVersion(),
                c.segmentCount(),
                c.segments().size(),
                c.handshakeSeen(),
                replay.startNanos(),
                c.durationNanos() / 1000,
                replay.clientDelayUs(),
                replay.serverDelayUs(),
                replay.timeOffsetUs(),
                replay.clientState(),
                replay.serverState(),
                conversations);
        boolean listened = false;
        for (LabEvent e : replay.events()) {
            if (e instanceof LabEvent.StateChanged s && s.host() == HostName.SERVER && s.to() == TcpState.LISTEN) {
                listened = true;
            }
            events.emit(e);
        }
        this.serverListened = listened;
    }

    @Override
    public LabCapabilities capabilities() {
        return LabCapabilities.READ_ONLY;
    }

    @Override
    public <R> R apply(LabCommand<R> command) {
        throw new TcpUserException(READ_ONLY);
    }

    @Override
    public Optional<CaptureInfo> capture() {
        return Optional.of(info);
    }

    @Override
    public long nowUs() {
        return endUs;
    }

    @Override
    public long nextEventUs() {
        return Long.MAX_VALUE;
    }

    /** The captured IPv4 address; for an IPv6 conversation 0.0.0.0 ({@link #capture()} has the real one). */
    @Override
    public Ipv4Address address(HostName host) {
        String ip = host == HostName.CLIENT ? info.clientIp() : info.serverIp();
        return info.ipVersion() == 4 ? Ipv4Address.parse(ip) : new Ipv4Address(0);
    }

    /** Not our stack on either side: the captured endpoints' settings are unknown. */
    @Override
    public TcpConfig tcp(HostName host) {
        return null;
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return host == HostName.SERVER && serverListened ? List.of(serverPort) : List.of();
    }

    /** The TCBs our state machine inferred for each side, as they stand at the capture's end. */
    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return host == HostName.CLIENT ? clientConnections : serverConnections;
    }

    @Override
    public boolean knowsConnection(String connection) {
        return ConversationReplay.CONNECTION.equals(connection);
    }

    /** Nothing: a capture lab keeps the captured bytes in its events, not as application data. */
    @Override
    public byte[] received(String connection, HostName side) {
        return new byte[0];
    }

    @Override
    public List<FaultRule> faults() {
        return List.of();
    }

    /** The two sides' delays from the capture point, as the lab's latency; the rest as a default link. */
    @Override
    public LinkConfig link() {
        LinkConfig d = LinkConfig.defaults();
        return new LinkConfig(delayUs, 0, 0, d.mtu(), d.queuePackets());
    }

    @Override
    public ScriptStatus script(int id) {
        throw new org.tcplab.engine.InvalidArgumentException("script", "no script " + id + ": a capture lab runs none");
    }
}
