package org.tcplab.engine.stack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.Tcb;
import org.tcplab.engine.tcp.TcbOwner;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/**
 * One host's TCP: its listeners and connections, sans I/O (smoltcp's model). Nothing here reads a
 * clock, starts a thread or touches a socket: every call takes "now", inbound packets come in
 * through {@link #receive}, and everything to transmit comes out of {@link #poll}. Single-threaded:
 * the driver (simulator or TAP) serialises calls.
 *
 * <p>Driving it: after any call, call {@code poll(now)} and send what it returns; call {@code poll}
 * again no later than {@link #pollAt()}. Segments are queued the moment a call produces them, so
 * {@code poll(now)} right after a call returns them in order; {@code pollAt()} is then "now".
 *
 * <p>Iteration orders are insertion orders (LinkedHashMap, TreeMap, a priority queue tie-broken by
 * arming order), so a run replays exactly.
 */
public final class TcpHost {

    public static final int DEFAULT_RETAINED_BYTES = 64 * 1024;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private final HostName name;
    private final Ipv4Address address;
    private final TcpConfig config;
    private final IsnSource isnSource;
    private final ConnectionNamer namer;
    private final EventSink events;

    private final Map<ConnectionKey, Tcb> tcbs = new LinkedHashMap<>();
    private final TreeMap<Integer, Listener> listeners = new TreeMap<>();
    /** Passive connections still in SYN-RECEIVED, and the listener whose backlog they use. */
    private final IdentityHashMap<Tcb, Listener> embryonic = new IdentityHashMap<>();
    /**
     * TIME-WAIT connections a new SYN reopened (RFC 9293 §3.6.1), kept until the new connection is
     * synchronized; if it fails first (its SYN was an old duplicate) the old one returns to TIME-WAIT.
     */
    private final Map<ConnectionKey, Tcb> timeWaitAside = new LinkedHashMap<>();

    private final Map<ConnectionKey, ArrayDeque<SeqNum>> pinnedIsns = new LinkedHashMap<>();
    private final Map<ConnectionKey, ReceivedBytes> received = new LinkedHashMap<>();
    private int retainedBytes = DEFAULT_RETAINED_BYTES;
    /** Segments queued for the next {@link #poll}; handed over whole, never copied. */
    private ArrayList<Outbound> outbound = new ArrayList<>();

    private final PriorityQueue<Deadline> deadlines = new PriorityQueue<>();
    private long deadlineOrder;
    private long lastNowUs;
    /** The second (of lab time) the challenge-ACK count belongs to, and the count (Linux's tcp_challenge_ack_limit). */
    private long challengeSecond = -1;

    private int challengeAcks;
    private final Owner owner = new Owner();

    private static final class Listener {
        final int port;
        final int backlog;
        int pending;

        Listener(int port, int backlog) {
            this.port = port;
            this.backlog = backlog;
        }
    }

    /** A timer deadline of one TCB; stale entries (re-armed, cancelled, TCB gone) are skipped when reached. */
    private record Deadline(long atUs, long order, Tcb tcb, TimerKind kind) implements Comparable<Deadline> {
        @Override
        public int compareTo(Deadline o) {
            int c = Long.compare(atUs, o.atUs);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    public TcpHost(
            HostName name,
            Ipv4Address address,
            TcpConfig config,
            IsnSource isnSource,
            ConnectionNamer namer,
            EventSink events) {
        this.name = name;
        this.address = address;
        this.config = config;
        this.isnSource = isnSource;
        this.namer = namer;
        this.events = events;
    }

    public HostName name() {
        return name;
    }

    public Ipv4Address address() {
        return address;
    }

    public TcpConfig config() {
        return config;
    }

    /**
     * Passive OPEN (RFC 9293 §3.10.1). Throws TcpUserException if the port already listens.
     * {@code backlog} bounds the connections in SYN-RECEIVED; a SYN beyond it is dropped with a
     * {@code SegmentDropped("backlog")}. The lab's application accepts at once, so established
     * connections do not count.
     */
    public void listen(long nowUs, int port, int backlog) {
        touch(nowUs);
        if (listeners.containsKey(port)) throw new TcpUserException("connection already exists");
        listeners.put(port, new Listener(port, Math.max(1, backlog)));
    }

    /** Stops listening; connections already accepted live on. */
    public void unlisten(long nowUs, int port) {
        touch(nowUs);
        if (listeners.remove(port) == null) throw new TcpUserException("connection does not exist");
    }

    /**
     * Active OPEN (RFC 9293 §3.10.1): sends a SYN. {@code isn} fixes our ISN (null: the IsnSource's).
     * Throws TcpUserException("connection already exists") if the 4-tuple is in use.
     */
    public ConnectionKey open(long nowUs, int localPort, Ipv4Address remoteIp, int remotePort, SeqNum isn) {
        touch(nowUs);
        ConnectionKey key = new ConnectionKey(address, localPort, remoteIp, remotePort);
        if (tcbs.containsKey(key)) throw new TcpUserException("connection already exists");
        SeqNum iss = isn != null ? isn : nextIsn(nowUs, key);
        received.remove(key);
        Tcb tcb = Tcb.openActive(nowUs, owner, config, key, namer.name(name, key), iss);
        if (tcb.state() != TcpState.CLOSED) tcbs.put(key, tcb);
        return key;
    }

    /** The ISN this host uses for the next connection on {@code key} (active or passive), once; several pins queue up. */
    public void pinIsn(ConnectionKey key, SeqNum isn) {
        pinnedIsns.computeIfAbsent(key, k -> new ArrayDeque<>()).add(isn);
    }

    private SeqNum nextIsn(long nowUs, ConnectionKey key) {
        ArrayDeque<SeqNum> pins = pinnedIsns.get(key);
        if (pins != null) {
            SeqNum isn = pins.poll();
            if (pins.isEmpty()) pinnedIsns.remove(key);
            if (isn != null) return isn;
        }
        return isnSource.isn(nowUs, key);
    }

    /** SEND (RFC 9293 §3.10.2). */
    public void send(long nowUs, ConnectionKey key, byte[] data) {
        touch(nowUs);
        Tcb tcb = existing(key);
        tcb.send(nowUs, data.clone());
        settle(tcb);
    }

    /** CLOSE (RFC 9293 §3.10.4). */
    public void close(long nowUs, ConnectionKey key) {
        touch(nowUs);
        Tcb tcb = existing(key);
        tcb.close(nowUs);
        settle(tcb);
    }

    /** ABORT (RFC 9293 §3.10.5): RST where the state calls for one; the TCB is deleted. */
    public void abort(long nowUs, ConnectionKey key) {
        touch(nowUs);
        Tcb tcb = existing(key);
        tcb.abort(nowUs);
        settle(tcb);
    }

    /**
     * Whether the application reads what arrives. Reading (the default) frees the receive buffer at
     * once; not reading lets it fill so the window closes (persist-timer demonstrations).
     */
    public void setReading(long nowUs, ConnectionKey key, boolean reading) {
        touch(nowUs);
        Tcb tcb = existing(key);
        tcb.setReading(nowUs, reading);
        settle(tcb);
    }

    /**
     * What the application has read on this connection (kept after the connection closes): every
     * byte while they fit in {@link #retainReceived(int)} bytes, else the newest that many.
     */
    public byte[] received(ConnectionKey key) {
        ReceivedBytes r = received.get(key);
        return r == null ? new byte[0] : r.tail();
    }

    /** How many bytes the application has read on this connection. */
    public long receivedTotal(ConnectionKey key) {
        ReceivedBytes r = received.get(key);
        return r == null ? 0 : r.total();
    }

    /** SHA-256 (lower-case hex) of every byte the application has read on this connection. */
    public String receivedSha256(ConnectionKey key) {
        ReceivedBytes r = received.get(key);
        return r == null ? EMPTY_SHA256 : r.sha256();
    }

    /**
     * How many of the newest bytes read are kept per connection for {@link #received}: a lab may move
     * gigabytes, so the default keeps {@value #DEFAULT_RETAINED_BYTES}; the count and the digest
     * always cover everything. Applies to connections that receive from now on.
     */
    public void retainReceived(int bytes) {
        if (bytes < 0) throw new IllegalArgumentException("retained bytes must not be negative: " + bytes);
        this.retainedBytes = bytes;
    }

    /** Loses every TCB and listener silently (a reboot): sends nothing, emits no state events. */
    public void crash() {
        for (Tcb t : tcbs.values()) t.vanish();
        tcbs.clear();
        listeners.clear();
        embryonic.clear();
        timeWaitAside.clear();
        outbound.clear();
        deadlines.clear();
    }

    /** SEGMENT ARRIVES (RFC 9293 §3.10.7): parses at the edge, drops with an event on failure. */
    public void receive(long nowUs, Frame frame) {
        touch(nowUs);
        TcpCodec.Decoded decoded;
        try {
            decoded = TcpCodec.decode(frame.ipPacket());
        } catch (RuntimeException e) {
            decoded = new TcpCodec.Decoded.Rejected("malformed: " + e.getMessage());
        }
        if (decoded instanceof TcpCodec.Decoded.Rejected r) {
            events.emit(new LabEvent.SegmentDropped(nowUs, frame.connection(), frame.segmentId(), name, r.reason()));
            return;
        }
        receive(nowUs, frame.segmentId(), frame.connection(), ((TcpCodec.Decoded.Accepted) decoded).datagram());
    }

    /**
     * SEGMENT ARRIVES for an already checked datagram (what {@link #receive(long, Frame)} calls after
     * decoding; tests use it directly). Datagrams for another address are ignored.
     */
    public void receive(long nowUs, long segmentId, String connection, TcpDatagram datagram) {
        touch(nowUs);
        if (!datagram.dst().equals(address)) return;
        TcpSegment seg = datagram.segment();
        ConnectionKey key = new ConnectionKey(address, seg.dstPort(), datagram.src(), seg.srcPort());
        Tcb tcb = tcbs.get(key);
        if (tcb != null
                && tcb.state() == TcpState.TIME_WAIT
                && listeners.containsKey(seg.dstPort())
                && seg.flags().syn()
                && !seg.flags().ack()
                && !seg.flags().rst()
                && seg.seq().greaterThan(tcb.rcvNxt())) {
            reopenFromTimeWait(nowUs, segmentId, connection, key, tcb, seg);
            return;
        }
        if (tcb != null) {
            tcb.segmentArrives(nowUs, seg);
            settle(tcb);
            return;
        }
        Listener listener = listeners.get(seg.dstPort());
        if (listener != null) {
            listenArrives(nowUs, segmentId, connection, key, listener, seg);
        } else {
            closedArrives(nowUs, segmentId, connection, key, seg);
        }
    }

    /**
     * §3.10.7.1 CLOSED: "all data in the incoming segment is discarded. An incoming segment containing
     * a RST is discarded. An incoming segment not containing a RST causes a RST to be sent in response."
     */
    private void closedArrives(long nowUs, long segmentId, String connection, ConnectionKey key, TcpSegment seg) {
        events.emit(new LabEvent.SegmentDropped(nowUs, connection, segmentId, name, "no-listener"));
        if (seg.flags().rst()) return;
        TcpSegment.Builder rst = TcpSegment.builder(key.localPort(), key.remotePort());
        if (seg.flags().ack()) {
            rst.seq(seg.ack()).flags(TcpFlag.RST); // <SEQ=SEG.ACK><CTL=RST>
        } else {
            rst.seq(0)
                    .ack(seg.seq().plus(seg.segLen()))
                    .flags(TcpFlag.RST); // <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
        }
        send(connection, key, rst.build());
    }

    /** §3.10.7.2 LISTEN. */
    private void listenArrives(
            long nowUs, long segmentId, String connection, ConnectionKey key, Listener listener, TcpSegment seg) {
        // "first check for a RST: An incoming RST segment could not be valid ... It should be ignored".
        if (seg.flags().rst()) {
            events.emit(new LabEvent.SegmentDropped(nowUs, connection, segmentId, name, "ignored: RST to a listener"));
            return;
        }
        // "second check for an ACK: ... form a reset segment <SEQ=SEG.ACK><CTL=RST>".
        if (seg.flags().ack()) {
            send(
                    connection,
                    key,
                    TcpSegment.builder(key.localPort(), key.remotePort())
                            .seq(seg.ack())
                            .flags(TcpFlag.RST)
                            .build());
            return;
        }
        // "third check for a SYN".
        if (!seg.flags().syn()) {
            // "fourth, other data or control: ... drop the segment and return".
            events.emit(
                    new LabEvent.SegmentDropped(nowUs, connection, segmentId, name, "ignored: no SYN for a listener"));
            return;
        }
        if (listener.pending >= listener.backlog) {
            events.emit(new LabEvent.SegmentDropped(nowUs, connection, segmentId, name, "backlog"));
            return;
        }
        passiveOpen(nowUs, key, listener, seg, nextIsn(nowUs, key));
    }

    private void passiveOpen(long nowUs, ConnectionKey key, Listener listener, TcpSegment syn, SeqNum iss) {
        received.remove(key);
        Tcb tcb = Tcb.openPassive(nowUs, owner, config, key, namer.name(name, key), iss, syn);
        if (tcb.state() == TcpState.CLOSED || tcb.state() == TcpState.LISTEN) return;
        tcbs.put(key, tcb);
        if (tcb.state() == TcpState.SYN_RECEIVED) {
            embryonic.put(tcb, listener);
            listener.pending++;
        }
        settle(tcb);
    }

    /**
     * RFC 9293 §3.6.1 (MAY-2, RFC 1122 4.2.2.13, Berkeley's rule): a new SYN above RCV.NXT may reopen
     * a connection in TIME-WAIT if the host "(1) assigns its initial sequence number for the new
     * connection to be larger than the largest sequence number it used on the previous connection
     * incarnation, and (2) returns to TIME-WAIT state if the SYN turns out to be an old duplicate".
     * The old incarnation waits aside (not deleted) until the new one is synchronized.
     */
    private void reopenFromTimeWait(
            long nowUs, long segmentId, String connection, ConnectionKey key, Tcb old, TcpSegment syn) {
        Listener listener = listeners.get(syn.dstPort());
        if (listener.pending >= listener.backlog) {
            events.emit(new LabEvent.SegmentDropped(nowUs, connection, segmentId, name, "backlog"));
            return;
        }
        tcbs.remove(key);
        old.setAside(nowUs);
        timeWaitAside.put(key, old);
        // SND.NXT is one past the last sequence number the old incarnation used (its FIN).
        SeqNum oldNext = old.sndNxt();
        SeqNum iss = nextIsn(nowUs, key);
        if (iss.lessThan(oldNext)) {
            // As Linux does (tcp_timewait_state_process): past the old SND.NXT by more than a window.
            iss = oldNext.plus(65535 + 2);
        }
        events.emit(new LabEvent.Note(
                nowUs,
                old.id(),
                name.id() + " reopens the connection from TIME-WAIT: ISS " + iss + " lies above " + oldNext.minus(1)
                        + ", the last sequence number of the old connection (RFC 9293 §3.6.1)"));
        passiveOpen(nowUs, key, listener, syn, iss);
    }

    private void send(String connection, ConnectionKey key, TcpSegment seg) {
        outbound.add(new Outbound(new TcpDatagram(address, key.remoteIp(), seg), connection, false));
    }

    /** Fires due timers and returns what is to be transmitted now, in order. */
    public List<Outbound> poll(long nowUs) {
        touch(nowUs);
        while (!deadlines.isEmpty() && deadlines.peek().atUs() <= nowUs) {
            Deadline d = deadlines.poll();
            if (!live(d)) continue;
            d.tcb().fireTimer(nowUs, d.kind());
            settle(d.tcb());
        }
        if (outbound.isEmpty()) return List.of();
        List<Outbound> out = outbound;
        outbound = new ArrayList<>(4);
        return out;
    }

    /** The earliest time {@link #poll} has work, or Long.MAX_VALUE if none. */
    public long pollAt() {
        if (!outbound.isEmpty()) return lastNowUs;
        while (!deadlines.isEmpty() && !live(deadlines.peek())) deadlines.poll();
        return deadlines.isEmpty() ? Long.MAX_VALUE : deadlines.peek().atUs();
    }

    /**
     * A deadline still counts if its timer was not re-armed or cancelled since, and its TCB is still
     * this host's: a deleted TCB is CLOSED (or LISTEN again, RFC 9293 §3.10.7.4), one set aside for a
     * reopening SYN is LISTEN until it returns, one lost in a crash is CLOSED.
     */
    private boolean live(Deadline d) {
        TcpState s = d.tcb().state();
        return s != TcpState.CLOSED && s != TcpState.LISTEN && d.tcb().timerDeadline(d.kind()) == d.atUs();
    }

    public List<Integer> listeners() {
        return List.copyOf(listeners.keySet());
    }

    public List<ConnectionSnapshot> connections() {
        List<ConnectionSnapshot> out = new ArrayList<>(tcbs.size());
        for (Tcb t : tcbs.values()) out.add(t.snapshot());
        return out;
    }

    /** The snapshot of one connection, if it exists. */
    public java.util.Optional<ConnectionSnapshot> connection(ConnectionKey key) {
        Tcb t = tcbs.get(key);
        return t == null ? java.util.Optional.empty() : java.util.Optional.of(t.snapshot());
    }

    /** The state of the connection on {@code key}; CLOSED if there is none (RFC 9293: no TCB is CLOSED). */
    public TcpState state(ConnectionKey key) {
        Tcb t = tcbs.get(key);
        return t == null ? TcpState.CLOSED : t.state();
    }

    private Tcb existing(ConnectionKey key) {
        Tcb t = tcbs.get(key);
        if (t == null) throw new TcpUserException("connection does not exist");
        return t;
    }

    /**
     * A passive connection that left SYN-RECEIVED frees its backlog slot; one that reached a
     * synchronized state proves its SYN new, so a TIME-WAIT incarnation set aside for it goes.
     */
    private void settle(Tcb tcb) {
        if (tcb.state() != TcpState.SYN_RECEIVED) {
            Listener l = embryonic.remove(tcb);
            if (l != null) l.pending--;
        }
        if (tcb.state().synchronizedState() && !timeWaitAside.isEmpty()) timeWaitAside.remove(tcb.key());
    }

    private void touch(long nowUs) {
        lastNowUs = Math.max(lastNowUs, nowUs);
    }

    /** The host side of every TCB: the wire queue, the deadline queue and the application. */
    private final class Owner implements TcbOwner {
        @Override
        public HostName hostName() {
            return name;
        }

        @Override
        public EventSink events() {
            return events;
        }

        @Override
        public void transmit(Tcb tcb, TcpSegment segment, boolean retransmission, boolean probe) {
            outbound.add(new Outbound(
                    new TcpDatagram(address, tcb.key().remoteIp(), segment), tcb.id(), retransmission, probe));
        }

        @Override
        public void timerArmed(Tcb tcb, TimerKind kind, long deadlineUs) {
            deadlines.add(new Deadline(deadlineUs, deadlineOrder++, tcb, kind));
        }

        @Override
        public void deleted(Tcb tcb) {
            tcbs.remove(tcb.key(), tcb);
            Listener l = embryonic.remove(tcb);
            if (l != null) l.pending--;
            Tcb old = timeWaitAside.remove(tcb.key());
            if (old != null && old != tcb) {
                // The connection reopened from TIME-WAIT failed before it was synchronized: its SYN
                // was an old duplicate (RFC 9293 §3.6.1), so the old incarnation takes the 4-tuple back.
                tcbs.put(old.key(), old);
                old.resumeTimeWait(lastNowUs);
            }
        }

        @Override
        public boolean challengeAckAllowed(long nowUs) {
            long second = nowUs / 1_000_000;
            if (second != challengeSecond) {
                challengeSecond = second;
                challengeAcks = 0;
            }
            if (challengeAcks >= config.challengeAckLimit()) return false;
            challengeAcks++;
            return true;
        }

        @Override
        public long delivered(Tcb tcb, byte[] data, int off, int len) {
            return received.computeIfAbsent(tcb.key(), k -> new ReceivedBytes(retainedBytes))
                    .append(data, off, len);
        }
    }
}
