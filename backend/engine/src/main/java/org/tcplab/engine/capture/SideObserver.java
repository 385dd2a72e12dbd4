package org.tcplab.engine.capture;

import java.util.List;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.Tcb;
import org.tcplab.engine.tcp.TcbOwner;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * One endpoint of a captured conversation, replayed into a TCB of our own RFC 9293 stack as a
 * passive observer: the other side's segments arrive as they would at this endpoint, and this
 * side's own SYN, data, FIN and RST become the user calls that must have caused them (OPEN, SEND,
 * CLOSE, ABORT). The TCB's ISN is the captured one; whatever it would transmit is discarded; its
 * timers never fire (a capture ends while real timers run: a side in TIME-WAIT stays there). Its
 * state changes are the conversation's inferred states.
 *
 * <p>Two bridges keep the TCB in step with a real stack it cannot see into, each bounded:
 *
 * <ul>
 *   <li>Flow control. Our sender keeps to its own congestion window (RFC 5681), the real one to
 *       its own (Linux starts at ten segments), so the real peer may acknowledge data our TCB has not
 *       sent yet; RFC 9293 §3.10.7.4 would drop such a segment whole, its data and FIN too. Before
 *       the peer's segment arrives, bare ACKs of what our TCB did send let it send the rest
 *       ({@link #catchUp}); the segment then arrives with its ACK held to SND.NXT if that still fell short.
 *   <li>Capture gaps. When one side acknowledges bytes the capture never showed the other sending
 *       (the capture dropped them, or they took another path), those bytes are fed as zeros of the
 *       right length, so SND.NXT and RCV.NXT stay where the real ones are ({@link #fillReceived},
 *       {@link #fillSent}).
 * </ul>
 */
final class SideObserver implements TcbOwner {

    /** Where the observer reports: inferred states, errors, and what our stack would do differently. */
    interface Report {
        void event(LabEvent event);

        /** Our stack would have sent {@code segment} in answer (a RST or a challenge ACK). */
        void wouldSend(long nowUs, HostName side, TcpSegment segment, String why);

        /** The endpoint did something no stack does in its inferred state ({@code what} in English). */
        void oddity(long nowUs, HostName side, String what);
    }

    /** The most bytes one capture gap may be filled with: beyond it the numbers are not a real gap. */
    static final long MAX_GAP = 16L << 20;
    /** Bytes fed per synthetic segment when filling a gap. */
    private static final int FILL_CHUNK = 64 * 1024;

    private final HostName self;
    private final ConnectionKey key;
    private final String id;
    private final TcpConfig cfg;
    private final Report report;
    private final Budget budget;
    private final EventSink sink = this::fromTcb;

    private Tcb tcb;
    private TcpState last = TcpState.CLOSED;
    private boolean listening;
    /** The ISN this side uses when it answers a SYN (its captured SYN,ACK's). */
    private SeqNum passiveIss;
    /** One past the last data byte this side is known to have sent (its FIN not counted). */
    private SeqNum sentEnd;

    private boolean closeCalled;
    /** The peer's FIN, once its sequence number is known from the capture. */
    private SeqNum peerFin;
    /** This side's own FIN, once known from the capture (even from a later retransmission). */
    private SeqNum ownFin;
    /** Events of the TCB are not reported (a made-up handshake for a capture that starts mid-connection). */
    private boolean muted;
    /** Inside this side's own ABORT: its RST is the captured one, not an answer to report. */
    private boolean inOwnCall;

    private long delivered;
    private String causeOverride;
    /** The time of the call being replayed, for what the TCB would transmit during it. */
    private long now;

    /** Work shared by both sides of a conversation; every synthetic segment costs one unit. */
    static final class Budget {
        private long left;
        private long fillBytesLeft;

        Budget(long units, long fillBytes) {
            this.left = units;
            this.fillBytesLeft = fillBytes;
        }

        boolean take() {
            if (left <= 0) return false;
            left--;
            return true;
        }

        boolean takeBytes(long n) {
            if (n > fillBytesLeft) return false;
            fillBytesLeft -= n;
            return true;
        }

        long spent(long initial) {
            return initial - left;
        }
    }

    SideObserver(HostName self, ConnectionKey key, String id, TcpConfig cfg, Report report, Budget budget) {
        this.self = self;
        this.key = key;
        this.id = id;
        this.cfg = cfg;
        this.report = report;
        this.budget = budget;
    }

    HostName side() {
        return self;
    }

    /** The connection's state on this side: its TCB's, or the last one it reported once the TCB is gone. */
    TcpState state() {
        return tcb != null ? tcb.state() : last;
    }

    /** The TCB's variables at the end, or nothing once it is gone (as for a lab's closed connections). */
    List<ConnectionSnapshot> snapshot() {
        return tcb == null ? List.of() : List.of(tcb.snapshot());
    }

    // ---- how the replay starts

    /** It answered a SYN with SYN,ACK, so it was listening: LISTEN, answering with {@code iss}. */
    void listen(long nowUs, SeqNum iss) {
        listening = true;
        last = TcpState.LISTEN;
        passiveIss = iss;
        report.event(new LabEvent.StateChanged(
                nowUs, id, self, TcpState.CLOSED, TcpState.LISTEN, "it answers a SYN with SYN,ACK: listening", true));
    }

    /**
     * The capture starts mid-connection: a handshake nobody saw is made up (its events not reported)
     * so the TCB is ESTABLISHED with SND.NXT = {@code sndNxt} and RCV.NXT = {@code rcvNxt}. Window
     * scaling is assumed on (shift 14 both ways), since the SYNs that would tell are not captured.
     */
    void startEstablished(long nowUs, SeqNum sndNxt, SeqNum rcvNxt, boolean active) {
        muted = true;
        SeqNum iss = sndNxt.minus(1);
        SeqNum irs = rcvNxt.minus(1);
        TcpOption[] opts = {new TcpOption.WindowScale(14), new TcpOption.SackPermitted()};
        try {
            if (active) {
                tcb = Tcb.openActive(nowUs, this, cfg, key, id, iss);
                tcb.segmentArrives(
                        nowUs,
                        TcpSegment.builder(key.remotePort(), key.localPort())
                                .seq(irs)
                                .ack(iss.plus(1))
                                .flags(TcpFlag.SYN)
                                .window(65535)
                                .options(opts)
                                .build());
            } else {
                TcpSegment syn = TcpSegment.builder(key.remotePort(), key.localPort())
                        .seq(irs)
                        .flags(TcpFlag.SYN)
                        .window(65535)
                        .options(opts)
                        .build();
                tcb = Tcb.openPassive(nowUs, this, cfg, key, id, iss, syn);
                tcb.segmentArrives(nowUs, ack(irs.plus(1), iss.plus(1), 65535));
            }
        } finally {
            muted = false;
        }
        sentEnd = sndNxt;
        report.event(new LabEvent.StateChanged(
                nowUs,
                id,
                self,
                TcpState.CLOSED,
                tcb.state(),
                "the capture starts mid-connection: taken to be established",
                true));
    }

    /** The peer's FIN is at {@code seq} (known from the capture, even if it never arrives here). */
    void peerFinAt(SeqNum seq) {
        if (peerFin == null) peerFin = seq;
    }

    /** This side's FIN is at {@code seq}: the capture holds it somewhere, maybe only as a retransmission. */
    void ownFinAt(SeqNum seq) {
        if (ownFin == null) ownFin = seq;
    }

    /**
     * The sequence number of this side's next segment shows it had sent more than the capture
     * holds: data, or its FIN when the FIN's place is known. Those went out before this segment,
     * before anything arriving since is taken in.
     */
    void sentBefore(long nowUs, TcpHeader h) {
        now = nowUs;
        if (tcb == null || sentEnd == null || h.syn() || h.rst() || closeCalled) return;
        if (ownFin != null && h.seq().greaterThan(ownFin)) {
            ownClose(nowUs, ownFin);
        } else if (h.seq().greaterThan(sentEnd)) {
            fillSent(nowUs, h.seq());
        }
    }

    // ---- this side's own segments: the user calls that caused them

    void own(long nowUs, TcpHeader h, TcpSegment seg) {
        now = nowUs;
        if (h.hasAck() && !h.syn()) fillReceived(nowUs, h.ack());
        if (h.rst()) {
            ownReset(nowUs);
            return;
        }
        if (h.pureSyn()) {
            if (tcb == null) {
                open(nowUs, h.seq(), "sent SYN (active OPEN)");
            } else if (tcb.state().synchronizedState()) {
                report.oddity(nowUs, self, "sends a SYN on a connection that is already " + tcb.state());
            }
        } else if (h.syn()) {
            if (tcb == null && listening && seg != null) {
                // Its SYN,ACK answers a SYN the capture does not hold: the SYN must have arrived.
                arrive(nowUs, impliedSyn(h, seg));
            }
        }
        if (h.payloadLength() > 0) {
            SeqNum start = h.syn() ? h.seq().plus(1) : h.seq();
            sendData(nowUs, start, h.payloadLength());
        }
        if (h.fin()) {
            SeqNum finSeq = h.seq().plus(h.payloadLength() + (h.syn() ? 1 : 0));
            ownClose(nowUs, finSeq);
        }
    }

    private void open(long nowUs, SeqNum iss, String cause) {
        causeOverride = cause;
        try {
            tcb = Tcb.openActive(nowUs, this, cfg, key, id, iss);
        } finally {
            causeOverride = null;
        }
        sentEnd = iss.plus(1);
    }

    private void ownReset(long nowUs) {
        if (tcb == null || tcb.state() == TcpState.CLOSED) return;
        inOwnCall = true;
        causeOverride = "sent RST (ABORT)";
        try {
            tcb.abort(nowUs);
        } finally {
            inOwnCall = false;
            causeOverride = null;
        }
    }

    private void sendData(long nowUs, SeqNum start, int length) {
        if (tcb == null || sentEnd == null) return;
        SeqNum end = start.plus(length);
        if (!end.greaterThan(sentEnd)) return; // a retransmission: already sent
        switch (tcb.state()) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {}
            default -> {
                if (!closeCalled) return;
                report.oddity(nowUs, self, "sends data after its FIN (in " + tcb.state() + ")");
                return;
            }
        }
        if (closeCalled) {
            report.oddity(nowUs, self, "sends data after its FIN");
            return;
        }
        if (start.greaterThan(sentEnd)) {
            fillSent(nowUs, start);
        }
        long fresh = end.distanceFrom(SeqNum.max(start, sentEnd));
        if (fresh > 0 && fresh <= MAX_GAP && budget.take()) {
            callSend(nowUs, (int) fresh);
            sentEnd = end;
        }
    }

    /** Data this side sent that the capture does not show: send it too, so SND.NXT is right. */
    private void fillSent(long nowUs, SeqNum upTo) {
        if (tcb == null || sentEnd == null || !upTo.greaterThan(sentEnd)) return;
        long gap = upTo.distanceFrom(sentEnd);
        if (gap > MAX_GAP || closeCalled || !budget.takeBytes(gap)) return;
        switch (tcb.state()) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {}
            default -> {
                return;
            }
        }
        while (gap > 0 && budget.take()) {
            int n = (int) Math.min(gap, FILL_CHUNK);
            callSend(nowUs, n);
            gap -= n;
        }
        sentEnd = upTo;
    }

    private void callSend(long nowUs, int bytes) {
        try {
            tcb.send(nowUs, new byte[bytes]);
        } catch (TcpUserException e) {
            report.oddity(nowUs, self, "sends data our stack would refuse to send (" + e.getMessage() + ")");
        }
    }

    private void ownClose(long nowUs, SeqNum finSeq) {
        if (tcb == null || closeCalled) return;
        if (sentEnd != null && finSeq.greaterThan(sentEnd)) fillSent(nowUs, finSeq);
        switch (tcb.state()) {
            case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                closeCalled = true;
                causeOverride = "sent FIN (CLOSE)";
                try {
                    tcb.close(nowUs);
                } finally {
                    causeOverride = null;
                }
            }
            default -> report.oddity(nowUs, self, "sends a FIN while " + tcb.state());
        }
    }

    /** Its ACK says it received the peer's bytes up to {@code ack}: feed those the capture did not show. */
    private void fillReceived(long nowUs, SeqNum ack) {
        if (tcb == null || tcb.rcvNxt() == null) return;
        switch (tcb.state()) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> {}
            default -> {
                return;
            }
        }
        SeqNum rcvNxt = tcb.rcvNxt();
        if (!ack.greaterThan(rcvNxt)) return;
        long gap = ack.distanceFrom(rcvNxt);
        boolean withFin = peerFin != null && peerFin.plus(1).equals(ack);
        long data = withFin ? gap - 1 : gap;
        if (gap > MAX_GAP || !budget.takeBytes(gap)) return;
        SeqNum seq = rcvNxt;
        while (data > 0 || withFin) {
            if (!budget.take()) return;
            int n = (int) Math.min(data, FILL_CHUNK);
            boolean fin = withFin && n == data;
            TcpSegment.Builder b = TcpSegment.builder(key.remotePort(), key.localPort())
                    .seq(seq)
                    .ack(tcb.sndUna())
                    .window(65535)
                    .payload(new byte[n]);
            if (fin) b.flags(TcpFlag.FIN);
            tcb.segmentArrives(nowUs, b.build());
            if (tcb == null) return;
            seq = seq.plus(n);
            data -= n;
            if (fin) break;
        }
    }

    // ---- the peer's segments, as they arrive here

    void peer(long nowUs, TcpHeader h, TcpSegment seg) {
        now = nowUs;
        if (seg == null) return;
        if (tcb == null) {
            if (h.pureSyn() && listening) {
                arrive(nowUs, seg);
            } else if (h.syn() && h.hasAck() && !listening && self == HostName.CLIENT) {
                // A SYN,ACK for a SYN the capture does not hold: this side must have sent it.
                open(nowUs, h.ack().minus(1), "its SYN is not in the capture (the SYN,ACK answers it)");
                arrive(nowUs, seg);
            }
            // Otherwise no TCB: a closed port (RFC 9293 §3.10.7.1); the capture shows what it answered.
            return;
        }
        TcpSegment fed = seg;
        if (h.hasAck() && tcb.state().synchronizedState()) {
            SeqNum realEnd = realSendEnd();
            if (realEnd != null && h.ack().greaterThan(realEnd)) {
                // The peer acknowledges data the capture never showed this side sending.
                fillSent(nowUs, h.ack());
                realEnd = realSendEnd();
            }
            catchUp(nowUs, h.ack(), h.window());
            if (tcb == null) return;
            if (h.ack().greaterThan(tcb.sndNxt()) && realEnd != null && !h.ack().greaterThan(realEnd)) {
                fed = seg.toBuilder().ack(tcb.sndNxt()).build();
            }
        }
        arrive(nowUs, fed);
    }

    /** One past everything this side is known to have sent, its FIN included. */
    private SeqNum realSendEnd() {
        if (sentEnd == null) return null;
        return closeCalled ? sentEnd.plus(1) : sentEnd;
    }

    /**
     * The real sender had sent up to {@code ack} and the peer acknowledged it; our TCB, held back by
     * its congestion window, may not have sent that far. Bare ACKs of what it did send let it go on,
     * until SND.NXT reaches {@code ack} (the captured segment then acknowledges the rest itself) or
     * the peer's window stops it.
     */
    private void catchUp(long nowUs, SeqNum ack, int window) {
        SeqNum realEnd = realSendEnd();
        if (realEnd == null || ack.greaterThan(realEnd)) return;
        while (tcb != null && tcb.state().synchronizedState() && tcb.sndNxt().lessThan(ack)) {
            SeqNum sndNxt = tcb.sndNxt();
            if (!sndNxt.greaterThan(tcb.sndUna()) || !budget.take()) return;
            tcb.segmentArrives(nowUs, ack(tcb.rcvNxt(), sndNxt, window));
            if (tcb == null || !tcb.sndNxt().greaterThan(sndNxt)) return;
        }
    }

    private void arrive(long nowUs, TcpSegment seg) {
        if (tcb == null) {
            if (seg.flags().syn() && !seg.flags().ack() && !seg.flags().rst()) {
                tcb = Tcb.openPassive(nowUs, this, cfg, key, id, passiveIss, seg);
                if (sentEnd == null) sentEnd = passiveIss.plus(1);
            }
            return;
        }
        tcb.segmentArrives(nowUs, seg);
    }

    /** The SYN a captured SYN,ACK answers, with the options the SYN,ACK shows were offered. */
    private TcpSegment impliedSyn(TcpHeader h, TcpSegment synAck) {
        java.util.List<TcpOption> opts = new java.util.ArrayList<>();
        synAck.option(TcpOption.WindowScale.class).ifPresent(w -> opts.add(new TcpOption.WindowScale(14)));
        synAck.option(TcpOption.SackPermitted.class).ifPresent(s -> opts.add(new TcpOption.SackPermitted()));
        synAck.option(TcpOption.Timestamps.class).ifPresent(t -> opts.add(new TcpOption.Timestamps(t.tsEcr(), 0)));
        return TcpSegment.builder(key.remotePort(), key.localPort())
                .seq(h.ack().minus(1))
                .flags(TcpFlag.SYN)
                .window(65535)
                .options(opts)
                .build();
    }

    private TcpSegment ack(SeqNum seq, SeqNum ack, int window) {
        return TcpSegment.builder(key.remotePort(), key.localPort())
                .seq(seq)
                .ack(ack)
                .window(window)
                .build();
    }

    // ---- TcbOwner: what the TCB hands its host

    @Override
    public HostName hostName() {
        return self;
    }

    @Override
    public EventSink events() {
        return sink;
    }

    private void fromTcb(LabEvent e) {
        if (e instanceof LabEvent.StateChanged s) last = s.to();
        if (muted) return;
        if (e instanceof LabEvent.StateChanged s) {
            String cause = causeOverride != null ? causeOverride : s.cause();
            report.event(new LabEvent.StateChanged(s.timeUs(), id, self, s.from(), s.to(), cause, true));
        } else if (e instanceof LabEvent.ErrorRaised r) {
            report.event(r);
        } else if (e instanceof LabEvent.Note n && n.text().contains("challenge ACK")) {
            pendingWhy = n.text().substring(n.text().indexOf("challenge ACK"));
        }
        // Timers, data, congestion: of our TCB, not of the captured endpoint; not reported.
    }

    private String pendingWhy;

    @Override
    public void transmit(Tcb from, TcpSegment segment, boolean retransmission, boolean probe) {
        if (muted || inOwnCall) {
            pendingWhy = null;
            return;
        }
        if (segment.flags().rst()) {
            report.wouldSend(now, self, segment, "reset");
        } else if (pendingWhy != null) {
            report.wouldSend(now, self, segment, pendingWhy);
        }
        pendingWhy = null;
    }

    /**
     * Always: the observer reports every challenge ACK RFC 5961 calls for, whatever rate limit the
     * captured stack kept (Linux's is per socket, and the capture shows what it did).
     */
    @Override
    public boolean challengeAckAllowed(long nowUs) {
        return true;
    }

    @Override
    public void timerArmed(Tcb from, TimerKind kind, long deadlineUs) {
        // Never fired: a capture's endpoints ran their own timers; the capture shows what came of them.
    }

    @Override
    public void deleted(Tcb from) {
        if (tcb == from) tcb = null;
    }

    @Override
    public long delivered(Tcb from, byte[] data, int off, int len) {
        delivered += len;
        return delivered;
    }
}
