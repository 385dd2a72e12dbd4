package org.tcplab.engine.capture;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A captured conversation as a lab's events: every segment as {@code segment.sent} with the
 * capture's bytes, then {@code segment.delivered} (or {@code segment.dropped} when it probably did
 * not arrive), each side's states as our state machine infers them ({@link SideObserver}), and
 * narration ({@link SegmentAnalysis}, {@link Words}).
 *
 * <p>Times. A capture sees each segment once, at the capture point. The handshake tells how far
 * that point is from each side: the SYN to SYN,ACK gap is a round trip to the server, the SYN,ACK to
 * ACK gap one to the client. A segment then leaves its sender half the sender's round trip before
 * the capture saw it and reaches the receiver half the receiver's round trip after, so arrows slope
 * as they did on the wire. Without a handshake the arrows are flat, at the capture's times.
 *
 * <p>Order. Each side processes what reached it in its own order: a segment from the other side is
 * handed over before this side's next segment only if that segment's acknowledgment number shows it
 * had arrived (or, for segments with no sequence space, if it was due by the estimated times), so
 * crossing FINs stay crossing (simultaneous close) however the capture ordered them.
 */
public final class ConversationReplay {

    /** The lab connection id of a capture lab's one connection. */
    public static final String CONNECTION = "1";

    private static final Ipv4Address CLIENT_IP = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address SERVER_IP = Ipv4Address.parse("192.0.2.2");
    /** Synthetic segments and filler bytes one conversation may feed, beyond its own segments. */
    private static final long BASE_WORK = 10_000;

    private static final long FILL_BYTES = 256L << 20;

    /**
     * @param events the lab's events in order (times in microseconds of lab time)
     * @param clientConnections the client's TCB at the end of the capture (empty once it closed)
     * @param handshake the ISNs, when the capture holds the client's SYN
     * @param clientDelayUs how long a segment took between the client and the capture point
     * @param startNanos the capture time (nanoseconds since 1970) of lab time 0
     * @param timeOffsetUs lab time of the first captured packet: a segment captured {@code c} µs after
     *     it was sent at lab time {@code c - delay + timeOffsetUs} by a side {@code delay} from the capture point
     * @param work synthetic segments fed to the TCBs (bounded: tests check it)
     */
    public record Result(
            Conversation conversation,
            List<LabEvent> events,
            List<ConnectionSnapshot> clientConnections,
            List<ConnectionSnapshot> serverConnections,
            Handshake handshake,
            long clientDelayUs,
            long serverDelayUs,
            long startNanos,
            long timeOffsetUs,
            long endUs,
            TcpState clientState,
            TcpState serverState,
            long work) {}

    /**
     * @param serverIsn -1 when no SYN,ACK was captured
     * @param complete the three-way handshake is all in the capture
     */
    public record Handshake(long clientIsn, long serverIsn, boolean complete) {}

    private final Conversation c;
    private final int n;
    private final TcpHeader[] h;
    private final boolean[] fromClient;
    private final CapturedTcp[] parsed;
    private final long[] t;
    private final List<Timed> out = new ArrayList<>();
    private long order;
    private final Map<HostName, Integer> timeWaitSaid = new EnumMap<>(HostName.class);
    private final Map<HostName, Finding> pendingFinding = new EnumMap<>(HostName.class);
    private long findings;

    private record Timed(long timeUs, long order, LabEvent event) {}

    /** What our stack would have sent, held until the side's next segment shows whether it did the same. */
    private record Finding(long timeUs, TcpSegment segment, String why) {}

    private ConversationReplay(Conversation c) {
        this.c = c;
        List<CapturedSegment> segs = c.segments();
        this.n = segs.size();
        this.h = new TcpHeader[n];
        this.fromClient = new boolean[n];
        this.parsed = new CapturedTcp[n];
        this.t = new long[n];
    }

    public static Result replay(Conversation c) {
        if (c.segments().isEmpty()) throw new IllegalArgumentException("a conversation has at least one segment");
        return new ConversationReplay(c).run();
    }

    private Result run() {
        List<CapturedSegment> segs = c.segments();
        long t0 = segs.get(0).timeNanos();
        long last = 0;
        List<Integer> backwards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CapturedSegment s = segs.get(i);
            h[i] = TcpHeader.of(s);
            fromClient[i] = c.fromClient(s);
            parsed[i] = CapturedTcp.parse(s, h[i]);
            long us = Math.floorDiv(s.timeNanos() - t0, 1000);
            if (us < last) backwards.add(i);
            last = Math.max(last, us);
            t[i] = last;
        }
        boolean midConnection = !h[0].syn();
        SegmentAnalysis a = new SegmentAnalysis(h, fromClient, t, parsed, midConnection);

        long[] delays = delays();
        long dC = delays[0];
        long dS = delays[1];
        long shift = Math.max(dC, dS);
        a.markLost(dC, dS);

        SideObserver.Budget budget = new SideObserver.Budget(4L * n + BASE_WORK, FILL_BYTES);
        long budgetStart = 4L * n + BASE_WORK;
        int clientPort = c.client().port();
        int serverPort = c.server().port();
        Report report = new Report();
        SideObserver client = new SideObserver(
                HostName.CLIENT,
                new ConnectionKey(CLIENT_IP, clientPort, SERVER_IP, serverPort),
                CONNECTION,
                config(a.client, a, midConnection),
                report,
                budget);
        SideObserver server = new SideObserver(
                HostName.SERVER,
                new ConnectionKey(SERVER_IP, serverPort, CLIENT_IP, clientPort),
                CONNECTION,
                config(a.server, a, midConnection),
                report,
                budget);

        // Lab time 0: the state each side starts in.
        say(
                0,
                Words.summary(
                        c.index(),
                        c.client().toString(),
                        c.server().toString(),
                        c.segmentCount(),
                        t[n - 1],
                        segs.get(0).ipVersion()));
        if (delays[2] > 0) say(0, Words.capturePoint(dC, dS));
        else if (n > 1) say(0, Words.flatArrows());
        if (c.leftOut() > 0) say(0, Words.leftOut(n, c.segmentCount()));
        if (midConnection) {
            say(0, Words.midConnection());
            client.startEstablished(0, start(true), start(false), true);
            server.startEstablished(0, start(false), start(true), false);
        } else if (serverListens()) {
            server.listen(0, a.server.isn);
        }
        for (int i = 0; i < n; i++) {
            if (h[i].fin()) {
                SeqNum fin = h[i].seq().plus(h[i].payloadLength() + (h[i].syn() ? 1 : 0));
                (fromClient[i] ? server : client).peerFinAt(fin);
                (fromClient[i] ? client : server).ownFinAt(fin);
            }
        }
        for (int i : backwards) sayAt(i, Words.timestampsBackwards(segs.get(i).number()), t[i] + shift);

        ArrayDeque<Integer> toClient = new ArrayDeque<>();
        ArrayDeque<Integer> toServer = new ArrayDeque<>();
        long[] arrival = new long[n];
        long[] clock = new long[2];
        int saidNext = 0;
        List<SegmentAnalysis.Said> said = a.said;
        said.sort(Comparator.comparingInt(SegmentAnalysis.Said::index));
        boolean clientFin = false;
        boolean serverFin = false;
        SeqNum clientFinSeq = null;
        SeqNum serverFinSeq = null;
        boolean serverAnswered = false;

        for (int i = 0; i < n; i++) {
            boolean fc = fromClient[i];
            SideObserver x = fc ? client : server;
            SideObserver y = fc ? server : client;
            HostName from = fc ? HostName.CLIENT : HostName.SERVER;
            long dFrom = fc ? dC : dS;
            long dTo = fc ? dS : dC;
            long sendUs = t[i] - dFrom + shift;
            long arriveUs = t[i] + dTo + shift;
            arrival[i] = arriveUs;
            ArrayDeque<Integer> pendingX = fc ? toClient : toServer;
            int xi = fc ? 0 : 1;
            // Sent before this segment, unseen: its own time is unknown, the send time is the latest it can be.
            x.sentBefore(Math.max(clock[xi], sendUs), h[i]);
            deliverBefore(x, pendingX, i, sendUs, arrival, clock, xi);
            clock[xi] = Math.max(clock[xi], sendUs);
            resolveFinding(from, h[i]);
            TcpState before = x.state();
            TcpSegment seg = parsed[i].segment();
            if (seg != null) x.own(clock[xi], h[i], seg);

            CapturedSegment s = segs.get(i);
            SegmentAnalysis.Facts f = a.facts[i];
            // The captured bytes themselves; the display view is made where the lab shows them.
            emit(new LabEvent.SegmentSent(
                    sendUs,
                    CONNECTION,
                    s.number(),
                    from,
                    from.other(),
                    f.retransmission,
                    false,
                    s.packet(),
                    note(s, i),
                    new CapturedPacketFormat(s.tcpStart(), s.tcpLength())));
            if (f.lost) {
                // The why (sent again before the other side acknowledged it) is the narration's "lost"
                // step; the reason stays a word the page translates, as short as a diagram label must be.
                emit(new LabEvent.SegmentDropped(arriveUs, CONNECTION, s.number(), null, "lost"));
            } else {
                emit(new LabEvent.SegmentDelivered(arriveUs, CONNECTION, s.number(), from.other()));
                if (seg != null) (fc ? toServer : toClient).add(i);
            }
            while (saidNext < said.size() && said.get(saidNext).index() == i) {
                sayAt(i, said.get(saidNext++).line(), sendUs);
            }
            // Who resets and who closes: these need the inferred states.
            TcpHeader hi = h[i];
            if (!fc && hi.syn() && hi.hasAck()) serverAnswered = true;
            if (hi.rst()) {
                if (!fc
                        && !serverAnswered
                        && a.client.isn != null
                        && hi.hasAck()
                        && hi.ack().equals(a.client.isn.plus(1))) {
                    sayAt(i, Words.refused(false, serverPort), sendUs);
                } else {
                    sayAt(i, Words.reset(fc, before == TcpState.CLOSED ? null : before.name()), sendUs);
                }
            }
            if (hi.fin() && !(fc ? clientFin : serverFin)) {
                SeqNum finSeq = hi.seq().plus(hi.payloadLength() + (hi.syn() ? 1 : 0));
                SeqNum peerFin = fc ? serverFinSeq : clientFinSeq;
                if (peerFin == null) {
                    sayAt(i, Words.firstFin(fc), sendUs);
                } else if (hi.hasAck() && hi.ack().greaterThan(peerFin)) {
                    sayAt(i, Words.secondFin(fc), sendUs);
                } else {
                    sayAt(i, Words.simultaneousClose(), sendUs);
                }
                if (fc) {
                    clientFin = true;
                    clientFinSeq = finSeq;
                } else {
                    serverFin = true;
                    serverFinSeq = finSeq;
                }
            }
        }
        while (saidNext < said.size()) {
            SegmentAnalysis.Said s = said.get(saidNext++);
            sayAt(s.index(), s.line(), t[Math.min(s.index(), n - 1)] + shift);
        }
        flush(client, toClient, arrival, clock, 0);
        flush(server, toServer, arrival, clock, 1);
        for (Map.Entry<HostName, Finding> e : pendingFinding.entrySet()) narrateFinding(e.getKey(), e.getValue());
        long endUs = 0;
        for (Timed x : out) endUs = Math.max(endUs, x.timeUs());
        for (Words.Line more : a.overflow()) sayAt(n - 1, more, endUs);
        if (findings > SegmentAnalysis.MAX_PER_STEP) {
            sayAt(n - 1, Words.more("rfc", findings - SegmentAnalysis.MAX_PER_STEP), endUs);
        }
        sayAt(n - 1, Words.end(client.state().name(), server.state().name()), endUs);

        out.sort(Comparator.comparingLong(Timed::timeUs).thenComparingLong(Timed::order));
        List<LabEvent> events = new ArrayList<>(out.size());
        for (Timed x : out) events.add(x.event());
        Handshake handshake = a.client.isn == null || midConnection
                ? null
                : new Handshake(
                        a.client.isn.value(), a.server.isn == null ? -1 : a.server.isn.value(), a.handshakeAck >= 0);
        return new Result(
                c,
                events,
                client.snapshot(),
                server.snapshot(),
                handshake,
                dC,
                dS,
                t0 - shift * 1000,
                shift,
                endUs,
                client.state(),
                server.state(),
                budget.spent(budgetStart));
    }

    /**
     * How far the capture point is from each side, in microseconds: half the quickest answer the
     * capture shows from that side. An answer is a side's first segment acknowledging everything of
     * the other side's latest segment (a SYN,ACK to a SYN, an ACK to a FIN or data): the time between
     * the two is a round trip from the capture point to that side and back, plus the time the side
     * took to answer; the quickest answer has the least of the latter (no delayed ACK, no slow
     * application). Returns {client, server, answers}; with no answer at all both are 0: flat arrows.
     */
    private long[] delays() {
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        int[] waiting = {-1, -1}; // per side: the other side's latest segment with sequence space, unanswered
        long answers = 0;
        for (int i = 0; i < n; i++) {
            int side = fromClient[i] ? 0 : 1;
            int j = waiting[side];
            if (j >= 0 && h[i].hasAck() && h[i].ack().greaterOrEqual(h[j].end())) {
                best[side] = Math.min(best[side], t[i] - t[j]);
                waiting[side] = -1;
                answers++;
            }
            if (h[i].segLen() > 0 && !h[i].rst()) waiting[1 - side] = i;
        }
        long client = best[0] == Long.MAX_VALUE ? 0 : best[0] / 2;
        long server = best[1] == Long.MAX_VALUE ? 0 : best[1] / 2;
        return new long[] {client, server, answers};
    }

    /** Hands this side the other side's segments it must have had before sending segment {@code i}. */
    private void deliverBefore(
            SideObserver x, ArrayDeque<Integer> pending, int i, long sendUs, long[] arrival, long[] clock, int xi) {
        TcpHeader own = h[i];
        // Its acknowledgment number covers a pending segment: that one had arrived, and so had every
        // segment sent before it on the same path, whatever the estimated times say.
        int proven = -1;
        if (own.hasAck() && !own.syn()) {
            for (int j : pending) {
                if (h[j].segLen() > 0 && own.ack().greaterThan(h[j].seq())) proven = j;
            }
        }
        while (proven >= 0 && !pending.isEmpty() && pending.peekFirst() <= proven) {
            int j = pending.pollFirst();
            clock[xi] = Math.max(clock[xi], arrival[j]);
            x.peer(clock[xi], h[j], parsed[j].segment());
        }
        while (!pending.isEmpty()) {
            int j = pending.peekFirst();
            TcpHeader hj = h[j];
            boolean deliver;
            if (own.pureSyn() && hj.pureSyn()) {
                // Both opened: had its SYN come in first, this side would have answered it (SYN,ACK or RST)
                // rather than send a SYN of its own. Simultaneous open (RFC 9293 figure 7).
                deliver = false;
            } else if (hj.segLen() > 0 && own.hasAck() && !own.syn()) {
                if (own.ack().greaterThan(hj.seq())) {
                    deliver = true; // its acknowledgment number covers j: j had arrived
                } else if (own.ack().equals(hj.seq())) {
                    // j was next in order and is not acknowledged: it had not arrived (the segments crossed),
                    // or it was dropped on arrival; either way this side had not taken it in. Times do not
                    // overrule that: a delay between a stack and the capture point (a queue) bends them.
                    deliver = false;
                } else {
                    deliver = arrival[j] <= sendUs; // beyond a gap: out of order either way
                }
            } else {
                deliver = arrival[j] <= sendUs;
            }
            if (!deliver) return;
            pending.pollFirst();
            clock[xi] = Math.max(clock[xi], arrival[j]);
            x.peer(clock[xi], hj, parsed[j].segment());
        }
    }

    private void flush(SideObserver x, ArrayDeque<Integer> pending, long[] arrival, long[] clock, int xi) {
        while (!pending.isEmpty()) {
            int j = pending.pollFirst();
            clock[xi] = Math.max(clock[xi], arrival[j]);
            x.peer(clock[xi], h[j], parsed[j].segment());
        }
    }

    /** Where this side's sending starts, for a capture that starts mid-connection. */
    private SeqNum start(boolean client) {
        SeqNum seq = null;
        SeqNum ackedByPeer = null;
        for (int i = 0; i < n && (seq == null || ackedByPeer == null); i++) {
            if (fromClient[i] == client && seq == null) seq = h[i].seq();
            if (fromClient[i] != client && ackedByPeer == null && h[i].hasAck()) ackedByPeer = h[i].ack();
        }
        if (seq == null) return ackedByPeer == null ? SeqNum.ZERO : ackedByPeer;
        if (ackedByPeer == null) return seq;
        return ackedByPeer.lessThan(seq) ? ackedByPeer : seq;
    }

    /** The server answered a SYN with SYN,ACK without opening actively itself: it was listening. */
    private boolean serverListens() {
        for (int i = 0; i < n; i++) {
            if (fromClient[i]) continue;
            if (h[i].pureSyn()) return false;
            if (h[i].syn() && h[i].hasAck()) return true;
        }
        return false;
    }

    /**
     * Our TCB for one side, set up as that side set itself up in its SYN: its MSS, and the window
     * options it offered. Its receive buffer is as large as scaling allows, so it takes whatever the
     * real peer sent; Nagle is off, so it sends what the real side sent as soon as it may.
     */
    private static TcpConfig config(SegmentAnalysis.Side side, SegmentAnalysis a, boolean midConnection) {
        TcpConfig cfg = TcpConfig.defaults().withNagle(false).withDelayedAck(false);
        if (midConnection) {
            return cfg.withWindowScale(14).withWindow(1 << 30).withSack(true).withTimestamps(false);
        }
        cfg = cfg.withMss(side.mss > 0 ? side.mss : 536)
                .withSack(side.sackPermitted)
                .withTimestamps(side.timestamps);
        if (side.wsShift >= 0) {
            // A shift of 0 still turns scaling on (RFC 7323 §2.2); our config says "offer" with at least 1.
            cfg = cfg.withWindowScale(Math.max(1, side.wsShift)).withWindow(a.windowScaling() ? 1 << 30 : 65535);
        } else {
            cfg = cfg.withWindowScale(0).withWindow(65535);
        }
        return cfg;
    }

    private String note(CapturedSegment s, int i) {
        if (s.truncated()) return "snaplen: " + s.capturedTcpLength() + " of " + s.tcpLength() + " TCP bytes captured";
        return parsed[i].problem();
    }

    private void emit(LabEvent e) {
        out.add(new Timed(e.timeUs(), order++, e));
    }

    private void say(int index, Words.Line line) {
        sayAt(index, line, 0);
    }

    private void sayAt(int index, Words.Line line, long timeUs) {
        emit(new LabEvent.Narration(timeUs, CONNECTION, line.step(), line.en(), line.zh()));
    }

    /** The side's next segment is here: a held finding stands unless the side did what our stack would. */
    private void resolveFinding(HostName side, TcpHeader next) {
        Finding f = pendingFinding.remove(side);
        if (f == null) return;
        boolean same = f.segment().flags().rst()
                ? next.rst()
                : !next.rst() && !next.syn() && next.hasAck() && next.payloadLength() == 0;
        if (!same) narrateFinding(side, f);
    }

    private void narrateFinding(HostName side, Finding f) {
        findings++;
        if (findings > SegmentAnalysis.MAX_PER_STEP) return;
        TcpSegment s = f.segment();
        boolean client = side == HostName.CLIENT;
        Words.Line line = s.flags().rst()
                ? Words.stackWould(client, "a RST (seq " + s.seq() + ")", "一个 RST（序列号 " + s.seq() + "）")
                : Words.stackWould(
                        client,
                        "a challenge ACK (RFC 5961: " + f.why() + "), ack " + s.ack(),
                        "一个挑战 ACK（RFC 5961），确认号 " + s.ack());
        emit(new LabEvent.Narration(f.timeUs(), CONNECTION, line.step(), line.en(), line.zh()));
    }

    /** The observers report here: states and errors go to the log, findings wait for the capture's answer. */
    private final class Report implements SideObserver.Report {
        @Override
        public void event(LabEvent e) {
            emit(e);
            if (e instanceof LabEvent.StateChanged s
                    && s.to() == TcpState.TIME_WAIT
                    && timeWaitSaid.putIfAbsent(s.host(), 1) == null) {
                Words.Line line = Words.timeWait(s.host() == HostName.CLIENT);
                emit(new LabEvent.Narration(s.timeUs(), CONNECTION, line.step(), line.en(), line.zh()));
            }
        }

        @Override
        public void wouldSend(long nowUs, HostName side, TcpSegment segment, String why) {
            pendingFinding.putIfAbsent(side, new Finding(nowUs, segment, why));
        }

        @Override
        public void oddity(long nowUs, HostName side, String what) {
            findings++;
            if (findings > SegmentAnalysis.MAX_PER_STEP) return;
            Words.Line line = Words.oddity(side == HostName.CLIENT, what);
            emit(new LabEvent.Narration(nowUs, CONNECTION, line.step(), line.en(), line.zh()));
        }
    }
}
