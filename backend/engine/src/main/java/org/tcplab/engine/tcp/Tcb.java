package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.TimerAction;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A Transmission Control Block (RFC 9293 §3.3.1): one connection and its state machine. The
 * variables are owned by the half they describe (gVisor's split, by ownership): {@link Sender}
 * holds the send sequence space, {@link Receiver} the receive sequence space, {@link Handshake}
 * opens the connection, {@link NegotiatedOptions} is what the SYNs agreed. This class holds the
 * state, the user calls (§3.10.1 to §3.10.5) and SEGMENT ARRIVES (§3.10.7) as the RFC's ordered
 * checks, each a small method that returns early.
 *
 * <pre>
 * Send Sequence Space (RFC 9293 figure 3), owned by Sender
 *
 *            1         2          3          4
 *       ----------|----------|----------|----------
 *              SND.UNA    SND.NXT    SND.UNA
 *                                   +SND.WND
 *
 * 1 - old sequence numbers that have been acknowledged
 * 2 - sequence numbers of unacknowledged data
 * 3 - sequence numbers allowed for new data transmission
 * 4 - future sequence numbers that are not yet allowed
 *
 * Receive Sequence Space (RFC 9293 figure 4), owned by Receiver
 *
 *                1          2          3
 *            ----------|----------|----------
 *                   RCV.NXT    RCV.NXT
 *                             +RCV.WND
 *
 * 1 - old sequence numbers that have been acknowledged
 * 2 - sequence numbers allowed for new reception
 * 3 - future sequence numbers that are not yet allowed
 * </pre>
 *
 * <p>Single-threaded and sans-I/O: every entry point takes the current time; segments leave
 * through {@link TcbOwner#transmit}, timers are deadlines the owner polls.
 */
public final class Tcb {

    /** The padding option, one shared value (options are immutable). */
    static final TcpOption NOP = new TcpOption.NoOp();

    private static final TimerKind[] TIMER_KINDS = TimerKind.values();

    // ---- identity
    final TcbOwner owner;
    final TcpConfig cfg;
    final ConnectionKey key;
    final String id;
    /** Opened by a listener (passive OPEN): goes back to LISTEN rather than CLOSED on RST (§3.10.7.4). */
    final boolean passive;

    TcpState state = TcpState.CLOSED;
    /** What the SYNs agreed; RFC 9293 §3.7.1's defaults until the peer's SYN is read. */
    NegotiatedOptions options;

    final TimerSet timers = new TimerSet();
    /** Retransmissions in a row without progress (SYN, SYN,ACK or data). */
    int retries;
    /** When this connection last answered an unacceptable segment or sent a challenge ACK (Linux's last_oow_ack_time). */
    private long lastInvalidAckUs = Long.MIN_VALUE;

    final Sender snd;
    final Receiver rcv;

    private Tcb(TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, boolean passive, SeqNum iss) {
        this.owner = owner;
        this.cfg = cfg;
        this.key = key;
        this.id = id;
        this.passive = passive;
        this.options = NegotiatedOptions.beforeSyn(cfg);
        this.snd = new Sender(this, iss);
        this.rcv = new Receiver(this);
    }

    // =====================================================================================
    // OPEN (RFC 9293 §3.10.1)

    /** Active OPEN: a TCB in SYN-SENT that has sent its SYN. */
    public static Tcb openActive(long nowUs, TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, SeqNum iss) {
        Tcb t = new Tcb(owner, cfg, key, id, false, iss);
        Handshake.activeOpen(t, nowUs);
        return t;
    }

    /** Passive OPEN met by a SYN (§3.10.7.2): a TCB in SYN-RECEIVED that has answered with its SYN,ACK. */
    public static Tcb openPassive(
            long nowUs, TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, SeqNum iss, TcpSegment syn) {
        Tcb t = new Tcb(owner, cfg, key, id, true, iss);
        Handshake.passiveOpen(t, nowUs, syn);
        return t;
    }

    // =====================================================================================
    // SEND, RECEIVE, CLOSE, ABORT (RFC 9293 §3.10.2 to §3.10.5)

    /** SEND (§3.10.2). */
    public void send(long nowUs, byte[] data) {
        switch (state) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> {
                if (snd.finQueued) throw new TcpUserException("connection closing");
                // SYN-SENT / SYN-RECEIVED: "Queue the data for transmission after entering ESTABLISHED state".
                snd.queue(data);
                output(nowUs);
            }
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT ->
                throw new TcpUserException("connection closing");
            case CLOSED, LISTEN -> throw new TcpUserException("connection does not exist");
        }
    }

    /** RECEIVE (§3.10.3), as a switch: reading hands buffered data to the application at once. */
    public void setReading(long nowUs, boolean reading) {
        rcv.setReading(nowUs, reading);
        output(nowUs);
    }

    /** CLOSE (§3.10.4). */
    public void close(long nowUs) {
        switch (state) {
            // "Delete the TCB and return 'error: closing' responses to any queued SENDs".
            case SYN_SENT -> delete(nowUs, "close");
            // SYN-RECEIVED: "...otherwise, queue for processing after entering ESTABLISHED state".
            // We always queue: the FIN leaves (and FIN-WAIT-1 begins) once the handshake completes.
            case SYN_RECEIVED -> snd.finQueued = true;
            case ESTABLISHED -> {
                snd.finQueued = true;
                changeState(nowUs, TcpState.FIN_WAIT_1, "close");
                output(nowUs);
            }
            case CLOSE_WAIT -> {
                snd.finQueued = true;
                changeState(nowUs, TcpState.LAST_ACK, "close");
                output(nowUs);
            }
            case FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT ->
                throw new TcpUserException("connection closing");
            case CLOSED, LISTEN -> throw new TcpUserException("connection does not exist");
        }
    }

    /** ABORT (§3.10.5). */
    public void abort(long nowUs) {
        switch (state) {
            // "Send a reset segment: <SEQ=SND.NXT><CTL=RST>".
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT ->
                emit(nowUs, reset(snd.sndNxt), Transmission.FIRST);
            default -> {}
        }
        delete(nowUs, "abort");
    }

    // =====================================================================================
    // SEGMENT ARRIVES (RFC 9293 §3.10.7)

    /** SEGMENT ARRIVES for this connection (the host handles CLOSED and LISTEN, §3.10.7.1/2). */
    public void segmentArrives(long nowUs, TcpSegment seg) {
        if (state == TcpState.SYN_SENT) {
            Handshake.synSentArrives(this, nowUs, seg); // §3.10.7.3
        } else {
            otherwiseArrives(nowUs, new Incoming(seg));
        }
        if (state != TcpState.CLOSED) output(nowUs);
    }

    /** §3.10.7.4 Other states: the numbered checks in order; each returns false to stop. */
    private void otherwiseArrives(long nowUs, Incoming in) {
        if (state == TcpState.SYN_RECEIVED && !Handshake.synReceivedSeesSyn(this, nowUs, in)) return;
        if (!firstCheckSequenceNumber(nowUs, in)) return;
        if (!secondCheckRst(nowUs, in)) return;
        // third: "check security" - not modelled (RFC 9293 §3.9.1 compartments are unused).
        if (!fourthCheckSyn(nowUs, in)) return;
        if (!fifthCheckAck(nowUs, in)) return;
        // sixth: "check the URG bit" - ignored; RFC 6093 advises new applications not to use it.
        seventhProcessText(nowUs, in);
        eighthCheckFin(nowUs, in);
    }

    /** "first check sequence number" (§3.10.7.4), with RFC 7323 §4.3 TS.Recent bookkeeping. */
    private boolean firstCheckSequenceNumber(long nowUs, Incoming in) {
        if (!rcv.acceptable(in)) {
            if (state == TcpState.TIME_WAIT && in.fin && !in.rst) {
                // Eighth step, TIME-WAIT: a retransmitted FIN is acknowledged and "Restart the 2 MSL
                // time-wait timeout".
                armTimer(nowUs, TimerKind.TIME_WAIT, nowUs + 2 * cfg.mslUs());
            }
            // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply
            // (unless the RST bit is set, if so drop the segment and return)".
            if (!in.rst) answerUnacceptable(nowUs, in);
            return false;
        }
        rcv.noteTimestamp(in);
        rcv.trim(in);
        return true;
    }

    /** "second check the RST bit" (§3.10.7.4) with RFC 5961 §3.2's exact-match rule. */
    private boolean secondCheckRst(long nowUs, Incoming in) {
        if (!in.rst) return true;
        if (!in.seq.equals(rcv.rcvNxt)) {
            // RFC 5961 §3.2: in the window but not exactly RCV.NXT: send a challenge ACK, drop.
            sendChallengeAck(nowUs, "RST not at RCV.NXT");
            return false;
        }
        switch (state) {
            case SYN_RECEIVED -> {
                if (passive) {
                    // "If this connection was initiated with a passive OPEN ... return this connection to LISTEN".
                    changeState(nowUs, TcpState.LISTEN, "RST received");
                    deleteSilently(nowUs);
                } else {
                    // "If this connection was initiated with an active OPEN ... connection refused".
                    error(nowUs, "refused", "connection refused: RST in SYN-RECEIVED");
                    delete(nowUs, "RST received");
                }
            }
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT -> {
                error(nowUs, "reset", "connection reset by peer");
                delete(nowUs, "RST received");
            }
            default -> delete(nowUs, "RST received"); // CLOSING, LAST-ACK, TIME-WAIT: "enter CLOSED"
        }
        return false;
    }

    /** "fourth, check the SYN bit" (§3.10.7.4) with RFC 5961 §4: a SYN gets a challenge ACK. */
    private boolean fourthCheckSyn(long nowUs, Incoming in) {
        if (!in.syn) return true;
        if (state == TcpState.SYN_RECEIVED && passive) {
            // "If the connection was initiated with a passive OPEN, then return this connection to the LISTEN state".
            changeState(nowUs, TcpState.LISTEN, "SYN in window");
            deleteSilently(nowUs);
            return false;
        }
        sendChallengeAck(nowUs, "SYN in synchronized state");
        return false;
    }

    /** "fifth check the ACK field" (§3.10.7.4) with RFC 5961 §5's acceptability check. */
    private boolean fifthCheckAck(long nowUs, Incoming in) {
        if (!in.ack) return false; // "if the ACK bit is off, drop the segment and return"
        if (state == TcpState.SYN_RECEIVED && !Handshake.ackOfSynArrives(this, nowUs, in)) return false;
        if (!snd.ackAcceptable(in.ackNo)) {
            sendChallengeAck(nowUs, "ACK outside the acceptable range");
            return false;
        }
        snd.onAck(nowUs, in);
        if (state == TcpState.CLOSED) return false;
        boolean finAcked = snd.finAcked();
        switch (state) {
            // "In addition to the processing for the ESTABLISHED state, if the FIN segment is now
            // acknowledged, then enter FIN-WAIT-2 and continue processing in that state".
            case FIN_WAIT_1 -> {
                if (finAcked) changeState(nowUs, TcpState.FIN_WAIT_2, "ACK of FIN");
            }
            // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment".
            case CLOSING -> {
                if (finAcked) enterTimeWait(nowUs, "ACK of FIN");
                return false;
            }
            // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return".
            case LAST_ACK -> {
                if (finAcked) delete(nowUs, "ACK of FIN");
                return false;
            }
            default -> {}
        }
        return true;
    }

    /** "seventh, process the segment text" (§3.10.7.4): only in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2. */
    void seventhProcessText(long nowUs, Incoming in) {
        if (in.len == 0) return;
        switch (state) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> rcv.acceptText(nowUs, in.dataSeq(), in.data, in.off, in.len);
            default -> {} // "This should not occur since a FIN has been received from the remote side. Ignore".
        }
    }

    /** "eighth, check the FIN bit" (§3.10.7.4). */
    void eighthCheckFin(long nowUs, Incoming in) {
        if (!in.fin) return;
        rcv.finArrived(nowUs, in.dataSeq().plus(in.len));
    }

    /** The receiver advanced RCV.NXT over the peer's FIN: the eighth step's state changes. */
    void finReached(long nowUs) {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> changeState(nowUs, TcpState.CLOSE_WAIT, "FIN received");
            // "If our FIN has been ACKed ... enter TIME-WAIT ... otherwise, enter the CLOSING state".
            case FIN_WAIT_1 -> {
                if (snd.finAcked()) enterTimeWait(nowUs, "FIN received");
                else changeState(nowUs, TcpState.CLOSING, "FIN received (simultaneous close)");
            }
            case FIN_WAIT_2 -> enterTimeWait(nowUs, "FIN received");
            case TIME_WAIT -> armTimer(nowUs, TimerKind.TIME_WAIT, nowUs + 2 * cfg.mslUs());
            default -> {} // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state".
        }
    }

    private void enterTimeWait(long nowUs, String cause) {
        changeState(nowUs, TcpState.TIME_WAIT, cause);
        // "start the time-wait timer, turn off the other timers".
        for (TimerKind k : TIMER_KINDS) {
            if (k != TimerKind.TIME_WAIT) cancelTimer(nowUs, k);
        }
        armTimer(nowUs, TimerKind.TIME_WAIT, nowUs + 2 * cfg.mslUs());
    }

    // =====================================================================================
    // Timers

    /** Fires {@code kind} if it is armed and due at {@code nowUs}. */
    public void fireTimer(long nowUs, TimerKind kind) {
        if (state == TcpState.CLOSED || timers.deadline(kind) > nowUs) return;
        timers.set(kind, TimerSet.IDLE);
        owner.events().emit(new LabEvent.TimerChanged(nowUs, id, owner.hostName(), kind, TimerAction.FIRED, nowUs));
        switch (kind) {
            case RETRANSMISSION -> retransmissionTimeout(nowUs);
            case TIME_WAIT -> delete(nowUs, "2MSL timeout");
            case PERSIST -> snd.persistTimeout(nowUs);
            case DELAYED_ACK -> rcv.ackNow = true;
            case KEEPALIVE -> {} // never armed: keep-alives are optional (RFC 9293 §3.8.4) and off here
            case SWS_OVERRIDE -> snd.swsOverrideTimeout();
        }
        if (state != TcpState.CLOSED) output(nowUs);
    }

    /** RFC 6298 §5.4 to §5.6 for SYN, SYN,ACK and data; gives up after the configured retries. */
    private void retransmissionTimeout(long nowUs) {
        int limit =
                switch (state) {
                    case SYN_SENT -> cfg.synRetries();
                    case SYN_RECEIVED -> passive ? cfg.synAckRetries() : cfg.synRetries();
                    default -> cfg.dataRetries();
                };
        if (retries >= limit) {
            error(nowUs, "timeout", "no answer after " + retries + " retransmissions");
            delete(nowUs, "retransmission timeout");
            return;
        }
        retries++;
        snd.rto.backOff(); // §5.5
        switch (state) {
            case SYN_SENT, SYN_RECEIVED -> Handshake.retransmit(this, nowUs);
            default -> snd.retransmissionTimeout(nowUs);
        }
    }

    /** Arms (or re-arms) a timer; every change is an event (style principle 8). */
    void armTimer(long nowUs, TimerKind kind, long deadlineUs) {
        timers.set(kind, deadlineUs);
        owner.events()
                .emit(new LabEvent.TimerChanged(nowUs, id, owner.hostName(), kind, TimerAction.ARMED, deadlineUs));
        owner.timerArmed(this, kind, deadlineUs);
    }

    void cancelTimer(long nowUs, TimerKind kind) {
        if (!timers.armed(kind)) return;
        timers.set(kind, TimerSet.IDLE);
        owner.events().emit(new LabEvent.TimerChanged(nowUs, id, owner.hostName(), kind, TimerAction.CANCELLED, nowUs));
    }

    public long timerDeadline(TimerKind kind) {
        return timers.deadline(kind);
    }

    // =====================================================================================
    // State changes (the one place, style principle 10)

    /** Every state change goes through here and becomes a {@link LabEvent.StateChanged}. */
    void changeState(long nowUs, TcpState to, String cause) {
        TcpState from = state;
        if (from == to) return;
        state = to;
        owner.events().emit(new LabEvent.StateChanged(nowUs, id, owner.hostName(), from, to, cause));
    }

    /** Enters CLOSED and deletes the TCB: timers go quietly (their deadlines die with the TCB). */
    void delete(long nowUs, String cause) {
        changeState(nowUs, TcpState.CLOSED, cause);
        deleteSilently(nowUs);
    }

    private void deleteSilently(long nowUs) {
        for (TimerKind k : TIMER_KINDS) cancelTimer(nowUs, k);
        if (state != TcpState.LISTEN) state = TcpState.CLOSED;
        snd.release();
        rcv.release();
        owner.deleted(this);
    }

    /**
     * A new SYN reopens this TIME-WAIT connection's 4-tuple (RFC 9293 §3.6.1): the listener takes it
     * and this incarnation waits aside, its 2MSL deadline kept, in case the SYN was an old duplicate.
     */
    public void setAside(long nowUs) {
        changeState(nowUs, TcpState.LISTEN, "new SYN above RCV.NXT reopens the connection (RFC 9293 §3.6.1)");
    }

    /** The reopening SYN was an old duplicate: back to TIME-WAIT with the deadline it had (RFC 9293 §3.6.1). */
    public void resumeTimeWait(long nowUs) {
        changeState(nowUs, TcpState.TIME_WAIT, "the new SYN was an old duplicate: back to TIME-WAIT (RFC 9293 §3.6.1)");
        armTimer(nowUs, TimerKind.TIME_WAIT, timers.deadline(TimerKind.TIME_WAIT));
    }

    /** Drops everything without a trace (host crash). */
    public void vanish() {
        timers.clearAll();
        state = TcpState.CLOSED;
    }

    void error(long nowUs, String error, String detail) {
        owner.events().emit(new LabEvent.ErrorRaised(nowUs, id, owner.hostName(), error, detail));
    }

    // =====================================================================================
    // Output

    /** Sends whatever is due: data the windows allow, FIN, and a pending ACK. */
    void output(long nowUs) {
        snd.output(nowUs);
        if (rcv.ackNow && state != TcpState.CLOSED && state != TcpState.SYN_SENT) sendAck(nowUs);
    }

    /** {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}. */
    void sendAck(long nowUs) {
        emit(nowUs, segment(nowUs, snd.sndNxt, true, false).build(), Transmission.FIRST);
    }

    /**
     * The ACK answering an unacceptable segment, unless the connection sent one (or a challenge ACK)
     * less than {@link TcpConfig#invalidAckIntervalUs()} ago: two ends that disagree about the
     * sequence space would otherwise answer each other's ACKs forever (an ACK war). As in Linux
     * ({@code tcp_oow_rate_limited}), segments carrying data or a FIN without SYN are always answered:
     * their sender needs the ACK to stop retransmitting, and they are not part of an ACK loop.
     */
    private void answerUnacceptable(long nowUs, Incoming in) {
        boolean occupiesSpace = in.len > 0 || in.fin;
        if ((occupiesSpace && !in.syn) || invalidAckAllowed(nowUs)) {
            sendAck(nowUs);
            return;
        }
        suppressAck(
                nowUs,
                LabEvent.AckSuppression.OUT_OF_WINDOW_RATE_LIMIT,
                "no ACK for an unacceptable segment (seq " + in.seq + ", RCV.NXT " + rcv.rcvNxt + "): "
                        + intervalRule());
    }

    /** The per-connection limit in words, with when the next ACK may go. */
    private String intervalRule() {
        return "one such ACK per " + ms(cfg.invalidAckIntervalUs())
                + " per connection (RFC 5961 §7, Linux tcp_invalid_ratelimit); the next may go at "
                + ms(lastInvalidAckUs + cfg.invalidAckIntervalUs());
    }

    private static String ms(long us) {
        return us % 1000 == 0 ? us / 1000 + " ms" : us / 1000.0 + " ms";
    }

    /**
     * RFC 5961 §3.2/§4/§5: the same ACK, sent to make a blind attacker's guess visible to the peer;
     * throttled as RFC 5961 §7 recommends, by the connection's interval and the host's per-second limit.
     */
    private void sendChallengeAck(long nowUs, String why) {
        if (!invalidAckAllowed(nowUs)) {
            suppressAck(
                    nowUs,
                    LabEvent.AckSuppression.CHALLENGE_ACK_RATE_LIMIT,
                    "no challenge ACK (" + why + "): " + intervalRule());
            return;
        }
        if (!owner.challengeAckAllowed(nowUs)) {
            suppressAck(
                    nowUs,
                    LabEvent.AckSuppression.CHALLENGE_ACK_RATE_LIMIT,
                    "no challenge ACK (" + why + "): the host has sent its " + cfg.challengeAckLimit()
                            + " challenge ACKs of this second (Linux tcp_challenge_ack_limit); more from "
                            + ms((nowUs / 1_000_000 + 1) * 1_000_000));
            return;
        }
        owner.events()
                .emit(new LabEvent.Note(
                        nowUs, id, owner.hostName().id() + " sends a challenge ACK (RFC 5961): " + why));
        sendAck(nowUs);
    }

    /** Linux's {@code __tcp_oow_rate_limited}: allowed (and remembered) unless the last one is too recent. */
    private boolean invalidAckAllowed(long nowUs) {
        long interval = cfg.invalidAckIntervalUs();
        if (interval > 0 && lastInvalidAckUs != Long.MIN_VALUE && nowUs - lastInvalidAckUs < interval) return false;
        lastInvalidAckUs = nowUs;
        return true;
    }

    private void suppressAck(long nowUs, LabEvent.AckSuppression reason, String detail) {
        owner.events().emit(new LabEvent.AckSuppressed(nowUs, id, owner.hostName(), reason, detail));
    }

    /**
     * {@code <SEQ=x><CTL=RST>}: the reset of ABORT (x = SND.NXT, §3.10.5) or answering an unacceptable
     * ACK (x = SEG.ACK, §3.10.7.3, §3.10.7.4); no options.
     */
    TcpSegment reset(SeqNum seq) {
        return TcpSegment.builder(key.localPort(), key.remotePort())
                .seq(seq)
                .flags(TcpFlag.RST)
                .build();
    }

    /**
     * A segment at {@code seq} with our window, ACK if asked, and the options every non-SYN segment
     * carries: timestamps if negotiated, SACK blocks if any on an ACK without data (so that data
     * segments keep to the effective MSS).
     */
    TcpSegment.Builder segment(long nowUs, SeqNum seq, boolean withAck, boolean withData) {
        TcpSegment.Builder b =
                TcpSegment.builder(key.localPort(), key.remotePort()).seq(seq);
        if (withAck) b.ack(rcv.rcvNxt);
        b.window(rcv.windowField());
        if (options.timestamps() || options.sack()) {
            List<TcpOption> opts = segmentOptions(nowUs, withAck, withAck && !withData);
            if (!opts.isEmpty()) b.options(opts);
        }
        return b;
    }

    private List<TcpOption> segmentOptions(long nowUs, boolean withAck, boolean withSack) {
        List<TcpOption> opts = null;
        if (options.timestamps()) {
            opts = new ArrayList<>(6);
            opts.add(NOP);
            opts.add(NOP);
            opts.add(new TcpOption.Timestamps(tsClock(nowUs), withAck ? rcv.tsRecent : 0));
        }
        if (options.sack() && withSack) {
            List<TcpOption.SackBlock> blocks = rcv.sackBlocks(options.timestamps() ? 3 : 4);
            if (!blocks.isEmpty()) {
                if (opts == null) opts = new ArrayList<>(3);
                opts.add(NOP);
                opts.add(NOP);
                opts.add(new TcpOption.Sack(blocks));
            }
        }
        return opts == null ? List.of() : opts;
    }

    /** Hands a segment to the owner; one carrying an ACK pays the receiver's ACK debt. */
    void emit(long nowUs, TcpSegment seg, Transmission kind) {
        if (seg.flags().ack()) rcv.ackSent(nowUs);
        owner.transmit(this, seg, kind == Transmission.RETRANSMISSION, kind == Transmission.PROBE);
    }

    /** RFC 7323 §4: our TSval clock ticks in milliseconds (plus one so that time 0 is not "no echo"). */
    static int tsClock(long nowUs) {
        return (int) (nowUs / 1000) + 1;
    }

    // =====================================================================================
    // Views

    public TcpState state() {
        return state;
    }

    public ConnectionKey key() {
        return key;
    }

    public String id() {
        return id;
    }

    /** RCV.NXT (null before the peer's SYN). */
    public SeqNum rcvNxt() {
        return rcv.rcvNxt;
    }

    /** SND.UNA: the oldest sequence number not yet acknowledged. */
    public SeqNum sndUna() {
        return snd.sndUna;
    }

    /** SND.NXT: one past the last sequence number this connection has used. */
    public SeqNum sndNxt() {
        return snd.sndNxt;
    }

    public ConnectionSnapshot snapshot() {
        return new ConnectionSnapshot(
                id,
                key,
                state,
                snd.iss.value(),
                rcv.irs == null ? 0 : rcv.irs.value(),
                snd.sndUna.value(),
                snd.sndNxt.value(),
                snd.sndWnd,
                rcv.rcvNxt == null ? 0 : rcv.rcvNxt.value(),
                rcv.window(),
                snd.cwnd,
                snd.ssthresh,
                snd.rto.srttUs(),
                snd.rto.rtoUs(),
                options.effMss(),
                options.sndShift(),
                options.rcvShift(),
                options.sack(),
                options.timestamps(),
                snd.bytesAcked,
                rcv.bytesReceived,
                rcv.reading);
    }

    @Override
    public String toString() {
        return "Tcb[" + id + " " + key + " " + state + "]";
    }
}
