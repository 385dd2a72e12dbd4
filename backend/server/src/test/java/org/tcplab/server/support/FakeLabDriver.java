package org.tcplab.server.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.server.lab.LabSettings;

/**
 * A stand-in world for the REST and stream layers: real events with real packet bytes, a virtual
 * clock with pending work, user calls that throw TcpUserException like the engine. Not TCP: a
 * connection is "established" one link latency after it opens, if the peer listens.
 */
public final class FakeLabDriver implements LabWorld {

    private record Pending(long at, long seq, Runnable action) {}

    private final EventSink events;
    private final LinkConfig link;
    private final PriorityQueue<Pending> pending =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Map<HostName, TreeSet<Integer>> listeners = new LinkedHashMap<>();
    private final Map<String, Conn> conns = new LinkedHashMap<>();
    private final List<FaultRule> faults = new ArrayList<>();
    private long now;
    private long order;
    private long segmentIds;
    private int faultIds;

    private static final class Conn {
        String id;
        HostName from;
        int localPort;
        int remotePort;
        long isn;
        TcpState fromState = TcpState.SYN_SENT;
        TcpState toState;
    }

    public FakeLabDriver(LabSettings settings, EventSink events) {
        this.events = events;
        this.link = settings.sim().link();
        listeners.put(HostName.CLIENT, new TreeSet<>());
        listeners.put(HostName.SERVER, new TreeSet<>());
    }

    @Override
    public long nowUs() {
        return now;
    }

    @Override
    public Ipv4Address address(HostName host) {
        return host == HostName.CLIENT ? Ipv4Address.CLIENT_DEFAULT : Ipv4Address.SERVER_DEFAULT;
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return new ArrayList<>(listeners.get(host));
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        List<ConnectionSnapshot> out = new ArrayList<>();
        for (Conn c : conns.values()) {
            boolean isFrom = c.from == host;
            TcpState st = isFrom ? c.fromState : c.toState;
            if (st == null) continue;
            ConnectionKey key = new ConnectionKey(
                    address(host),
                    isFrom ? c.localPort : c.remotePort,
                    address(host.other()),
                    isFrom ? c.remotePort : c.localPort);
            out.add(new ConnectionSnapshot(
                    c.id,
                    key,
                    st,
                    isFrom ? c.isn : 0,
                    0,
                    0,
                    0,
                    65535,
                    0,
                    65535,
                    14600,
                    65535,
                    0,
                    1_000_000,
                    1460,
                    0,
                    0,
                    false,
                    false,
                    0,
                    0,
                    true));
        }
        return out;
    }

    @Override
    public LabCapabilities capabilities() {
        return new LabCapabilities(false, false, true, true, false);
    }

    @Override
    public <R> R apply(LabCommand<R> command) {
        return command.applyTo(commands);
    }

    @Override
    public TcpConfig tcp(HostName host) {
        return TcpConfig.defaults();
    }

    /** Like the old drivers' default: every id is known, the fake refuses unknown ones itself (409). */
    @Override
    public boolean knowsConnection(String connection) {
        return true;
    }

    @Override
    public byte[] received(String connection, HostName side) {
        return new byte[0];
    }

    @Override
    public ScriptStatus script(int id) {
        throw new TcpUserException("the fake runs no scripts");
    }

    private final LabCommand.Handler commands = new LabCommand.Handler() {
        public void listen(LabCommand.Listen c) {
            FakeLabDriver.this.doListen(c.host(), c.port());
        }

        public void unlisten(LabCommand.Unlisten c) {
            listeners.get(c.host()).remove(c.port());
        }

        public String connect(LabCommand.Connect c) {
            return doConnect(c.from(), c.localPort(), c.remotePort(), c.isn(), c.peerIsn(), c.simultaneous());
        }

        public void send(LabCommand.Send c) {
            doSend(c.connection(), c.side(), c.data());
        }

        public void close(LabCommand.Close c) {
            doClose(c.connection(), c.side());
        }

        public void abort(LabCommand.Abort c) {
            doAbort(c.connection(), c.side());
        }

        public void setReading(LabCommand.SetReading c) {}

        public void crash(LabCommand.Crash c) {
            doCrash(c.host());
        }

        public long inject(LabCommand.Inject c) {
            return doInject(c.from(), c.segment(), c.delayUs());
        }

        public void pinIsn(LabCommand.PinIsn c) {}

        public FaultRule addFault(LabCommand.AddFault c) {
            return doAddFault(c.rule());
        }

        public boolean removeFault(LabCommand.RemoveFault c) {
            return faults.removeIf(f -> f.id() == c.id());
        }

        public void setLink(LabCommand.SetLink c) {
            throw new TcpUserException("the fake's link is fixed");
        }

        public boolean runUntil(LabCommand.RunUntil c) {
            return doRunUntil(c.timeUs(), c.maxSteps());
        }

        public boolean runUntilIdle(LabCommand.RunUntilIdle c) {
            return doRunUntilIdle(c.maxSteps());
        }

        public boolean step(LabCommand.Step c) {
            return doStep();
        }

        public int runScript(LabCommand.RunScript c) {
            throw new TcpUserException("the fake runs no scripts");
        }

        public void setQuiz(LabCommand.SetQuiz c) {
            throw new TcpUserException("the fake has no quiz");
        }

        public org.tcplab.engine.quiz.QuizExpected reveal(LabCommand.Reveal c) {
            throw new TcpUserException("the fake has no quiz");
        }
    };

    private void doListen(HostName host, int port) {
        if (!listeners.get(host).add(port)) throw new TcpUserException("connection already exists");
        events.emit(new LabEvent.StateChanged(now, null, host, TcpState.CLOSED, TcpState.LISTEN, "listen"));
    }

    private String doConnect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        for (Conn c : conns.values()) {
            if (c.from == from && c.localPort == localPort && c.remotePort == remotePort) {
                throw new TcpUserException("connection already exists");
            }
        }
        Conn c = new Conn();
        c.id = Integer.toString(conns.size() + 1);
        c.from = from;
        c.localPort = localPort;
        c.remotePort = remotePort;
        c.isn = isn == null ? 1000 : isn.value();
        conns.put(c.id, c);
        events.emit(new LabEvent.StateChanged(now, c.id, from, TcpState.CLOSED, TcpState.SYN_SENT, "open"));
        long seg = sent(c.id, from, localPort, remotePort, c.isn, 0, TcpFlags.SYN, new byte[0], null);
        later(link.latencyUs(), () -> {
            events.emit(new LabEvent.SegmentDelivered(now, c.id, seg, from.other()));
            if (listeners.get(from.other()).contains(remotePort)) {
                c.fromState = TcpState.ESTABLISHED;
                c.toState = TcpState.ESTABLISHED;
                events.emit(new LabEvent.StateChanged(
                        now, c.id, from.other(), TcpState.LISTEN, TcpState.ESTABLISHED, "syn"));
                events.emit(
                        new LabEvent.StateChanged(now, c.id, from, TcpState.SYN_SENT, TcpState.ESTABLISHED, "syn-ack"));
            } else {
                c.fromState = TcpState.CLOSED;
                events.emit(new LabEvent.ErrorRaised(now, c.id, from, "refused", "no listener"));
            }
        });
        return c.id;
    }

    private long sent(
            String conn,
            HostName from,
            int sp,
            int dp,
            long seq,
            long ack,
            TcpFlags flags,
            byte[] payload,
            String note) {
        byte[] packet = Packets.ipv4Tcp(
                address(from).toBytes(), address(from.other()).toBytes(), sp, dp, seq, ack, flags, 65535, payload);
        long id = ++segmentIds;
        events.emit(new LabEvent.SegmentSent(now, conn, id, from, from.other(), false, false, packet, note));
        return id;
    }

    private void later(long afterUs, Runnable action) {
        pending.add(new Pending(now + afterUs, order++, action));
    }

    private Conn conn(String id) {
        Conn c = conns.get(id);
        if (c == null) throw new TcpUserException("connection does not exist");
        return c;
    }

    private void doSend(String connection, HostName side, byte[] data) {
        Conn c = conn(connection);
        if ((side == c.from ? c.fromState : c.toState) != TcpState.ESTABLISHED) {
            throw new TcpUserException("connection does not exist");
        }
        sent(
                c.id,
                side,
                side == c.from ? c.localPort : c.remotePort,
                side == c.from ? c.remotePort : c.localPort,
                c.isn + 1,
                1,
                TcpFlags.of(org.tcplab.engine.wire.TcpFlag.PSH, org.tcplab.engine.wire.TcpFlag.ACK),
                data,
                null);
        later(
                link.latencyUs(),
                () -> events.emit(new LabEvent.DataDelivered(now, c.id, side.other(), data.length, data.length)));
    }

    private void doClose(String connection, HostName side) {
        Conn c = conn(connection);
        events.emit(new LabEvent.StateChanged(now, c.id, side, TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, "close"));
    }

    private void doAbort(String connection, HostName side) {
        Conn c = conns.remove(connection);
        if (c == null) throw new TcpUserException("connection does not exist");
        events.emit(new LabEvent.StateChanged(now, c.id, side, TcpState.ESTABLISHED, TcpState.CLOSED, "abort"));
    }

    private void doCrash(HostName host) {
        listeners.get(host).clear();
        conns.values().removeIf(c -> true);
    }

    private long doInject(HostName from, TcpSegment s, long delayUs) {
        return sent(
                null,
                from,
                s.srcPort(),
                s.dstPort(),
                s.seq().value(),
                s.ackNumber().map(SeqNum::value).orElse(0L),
                s.flags(),
                s.payload(),
                "crafted");
    }

    private FaultRule doAddFault(FaultRule rule) {
        FaultRule r = rule.withId(++faultIds);
        faults.add(r);
        return r;
    }

    @Override
    public List<FaultRule> faults() {
        return List.copyOf(faults);
    }

    @Override
    public LinkConfig link() {
        return link;
    }

    private void schedule(long atUs, Runnable action) {
        pending.add(new Pending(Math.max(now, atUs), order++, action));
    }

    private boolean doRunUntilIdle(long maxSteps) {
        for (long i = 0; i < maxSteps; i++) {
            if (!doStep()) return true;
        }
        return pending.isEmpty();
    }

    private boolean doRunUntil(long timeUs, long maxSteps) {
        for (long i = 0; ; i++) {
            if (pending.isEmpty() || pending.peek().at > timeUs) {
                now = Math.max(now, timeUs);
                return true;
            }
            if (i >= maxSteps) return false;
            doStep();
        }
    }

    private boolean doStep() {
        Pending p = pending.poll();
        if (p == null) return false;
        now = Math.max(now, p.at);
        p.action.run();
        return true;
    }

    @Override
    public long nextEventUs() {
        return pending.isEmpty() ? Long.MAX_VALUE : pending.peek().at;
    }

    /**
     * A runaway: an occurrence that runs {@code body} and schedules itself again at the same virtual
     * instant, forever (what an ACK war looks like to the clock).
     */
    public void loopForever(Runnable body) {
        schedule(now, new Runnable() {
            @Override
            public void run() {
                body.run();
                schedule(now, this);
            }
        });
    }

    /** Forgets everything pending (ends a {@link #loopForever}). */
    public void clearPending() {
        pending.clear();
    }

    /** Emits an event as the driver would (for tests that fill a lab). */
    public void emit(LabEvent e) {
        events.emit(e);
    }

    /** A timer-like occurrence at {@code atUs} that logs a note: lets clock tests see time move. */
    public void noteAt(long atUs, String text) {
        schedule(atUs, () -> events.emit(new LabEvent.Note(now, null, text)));
    }
}
