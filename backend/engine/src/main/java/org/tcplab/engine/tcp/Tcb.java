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
 * A Transmission Control Block (RFC 9293 §3.3.1): one connection's variables and its state machine.
 * Sending lives in {@link Sender}, receiving in {@link Receiver} (gVisor's split); this class holds
 * the RFC variables, the user calls (§3.10.1 to §3.10.5) and SEGMENT ARRIVES (§3.10.7) as the RFC's
 * ordered checks, each a small method that returns early.
 *
 * <pre>
 * Send Sequence Space (RFC 9293 figure 3)
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
 * Receive Sequence Space (RFC 9293 figure 4)
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

    // ---- RFC 9293 §3.3.1 send sequence variables
    /** SND.UNA: oldest unacknowledged sequence number. */
    SeqNum sndUna;
    /** SND.NXT: next sequence number to be sent (new data; retransmissions go below it). */
    SeqNum sndNxt;
    /** SND.WND: the send window the peer offers (already scaled), in bytes. */
    long sndWnd;
    /** SND.WL1: segment sequence number used for the last window update. */
    SeqNum sndWl1;
    /** SND.WL2: segment acknowledgment number used for the last window update. */
    SeqNum sndWl2;
    /** ISS: our initial send sequence number. */
    SeqNum iss;

    // ---- RFC 9293 §3.3.1 receive sequence variables
    /** RCV.NXT: next sequence number expected on an incoming segment (left edge of the receive window). */
    SeqNum rcvNxt;
    /** RCV.WND: receive window, in bytes (free space in our receive buffer). */
    long rcvWnd;
    /** IRS: the peer's initial sequence number. */
    SeqNum irs;

    // ---- identity
    final TcbOwner owner;
    final TcpConfig cfg;
    final ConnectionKey key;
    final String id;
    /** Opened by a listener (passive OPEN): goes back to LISTEN rather than CLOSED on RST (§3.10.7.4). */
    final boolean passive;

    TcpState state = TcpState.CLOSED;

    // ---- negotiated options (RFC 9293 §3.7.1, RFC 7323, RFC 2018)
    /** The peer's MSS (536 if it sent none, RFC 9293 §3.7.1). */
    int peerMss = 536;
    /** min(peer's MSS, ours): the largest payload plus options we put in one segment. */
    int effMss;
    /** Shift applied to windows the peer sends us (its WS option), 0 if not negotiated. */
    int sndShift;
    /** Shift applied to windows we send (our WS option), 0 if not negotiated. */
    int rcvShift;
    /** Window scaling in use: both SYNs carried WS (RFC 7323 §2.2). */
    boolean wsOk;

    boolean sackOk;
    boolean tsOk;
    /** TS.Recent (RFC 7323 §4.3): the TSval to echo. */
    int tsRecent;
    /** Last.ACK.sent (RFC 7323 §4.3): RCV.NXT in the last ACK we sent. */
    SeqNum lastAckSent;

    final TimerSet timers = new TimerSet();
    /** Retransmissions in a row without progress (SYN, SYN,ACK or data). */
    int retries;
    /** A SYN or SYN,ACK was retransmitted (RFC 6298 §5.7). */
    boolean handshakeRetransmitted;

    final Sender snd;
    final Receiver rcv;

    Tcb(TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, boolean passive, SeqNum iss) {
        this.owner = owner;
        this.cfg = cfg;
        this.key = key;
        this.id = id;
        this.passive = passive;
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss.plus(1);
        this.sndWl1 = SeqNum.ZERO;
        this.sndWl2 = iss;
        this.effMss = Math.min(cfg.mss(), 536);
        this.snd = new Sender(this);
        this.rcv = new Receiver(this);
        this.rcvWnd = rcv.capacity();
    }

    // =====================================================================================
    // OPEN (RFC 9293 §3.10.1)

    /** Active OPEN: "An initial send sequence number (ISS) is selected. A SYN segment ... is sent". */
    public static Tcb openActive(long nowUs, TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, SeqNum iss) {
        Tcb t = new Tcb(owner, cfg, key, id, false, iss);
        t.changeState(nowUs, TcpState.SYN_SENT, "active open");
        t.sendSyn(nowUs, false);
        return t;
    }

    /**
     * LISTEN state, third check (§3.10.7.2): a SYN makes a new TCB in SYN-RECEIVED that answers
     * {@code <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>}. With {@link TcpConfig#twoWayHandshake()} the
     * teaching variant goes straight to ESTABLISHED and hands the SYN's data to the application.
     */
    public static Tcb openPassive(
            long nowUs, TcbOwner owner, TcpConfig cfg, ConnectionKey key, String id, SeqNum iss, TcpSegment syn) {
        Tcb t = new Tcb(owner, cfg, key, id, true, iss);
        t.state = TcpState.LISTEN;
        t.irs = syn.seq();
        t.rcvNxt = syn.seq().plus(1);
        t.negotiate(syn);
        t.sndWnd = syn.window(); // RFC 7323 §2.2: the window in a SYN is never scaled
        t.sndWl1 = syn.seq();
        t.snd.noteWindow();
        if (cfg.twoWayHandshake()) {
            t.changeState(nowUs, TcpState.ESTABLISHED, "SYN received (two-way handshake)");
            // The server believes the handshake is over: its SYN needs no acknowledgment.
            t.sndUna = t.sndNxt;
            t.snd.connectionEstablished(nowUs);
            byte[] data = syn.payload();
            int len = (int) Math.min(data.length, t.rcvWnd);
            if (len > 0) t.rcv.acceptText(nowUs, syn.seq().plus(1), data, 0, len);
            t.emitSynAck(nowUs, false);
            t.output(nowUs);
            return t;
        }
        t.changeState(nowUs, TcpState.SYN_RECEIVED, "SYN received");
        t.sendSynAck(nowUs, false);
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
                emit(nowUs, segment(sndNxt, false).flags(TcpFlag.RST).build(), false);
            default -> {}
        }
        delete(nowUs, "abort");
    }

    // =====================================================================================
    // SEGMENT ARRIVES (RFC 9293 §3.10.7)

    /** SEGMENT ARRIVES for this connection (the host handles CLOSED and LISTEN, §3.10.7.1/2). */
    public void segmentArrives(long nowUs, TcpSegment seg) {
        if (state == TcpState.SYN_SENT) {
            synSentArrives(nowUs, seg);
        } else {
            Incoming in = new Incoming(seg);
            otherwiseArrives(nowUs, in);
        }
        if (state != TcpState.CLOSED) output(nowUs);
    }

    /** §3.10.7.3 SYN-SENT STATE. */
    private void synSentArrives(long nowUs, TcpSegment seg) {
        boolean ackAcceptable = false;
        // "first check the ACK bit": "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless
        // the RST bit is set, if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST>".
        if (seg.flags().ack()) {
            SeqNum ack = seg.ack();
            if (ack.lessOrEqual(iss) || ack.greaterThan(sndNxt)) {
                if (!seg.flags().rst())
                    emit(
                            nowUs,
                            TcpSegment.builder(key.localPort(), key.remotePort())
                                    .seq(ack)
                                    .flags(TcpFlag.RST)
                                    .build(),
                            false);
                return;
            }
            ackAcceptable = sndUna.lessOrEqual(ack); // SND.UNA < SEG.ACK =< SND.NXT (SND.UNA = ISS here)
        }
        // "second check the RST bit": acceptable only if its ACK acknowledges our SYN (RFC 5961 §3.2).
        if (seg.flags().rst()) {
            if (ackAcceptable) {
                error(nowUs, "refused", "connection refused: RST in SYN-SENT");
                delete(nowUs, "RST received");
            }
            return;
        }
        // "third check the security" (skipped: RFC 9293 §3.9.1 compartments are not modelled).
        // "fourth check the SYN bit".
        if (!seg.flags().syn()) return; // "fifth, if neither of the SYN or RST bits is set, then drop"
        irs = seg.seq();
        rcvNxt = seg.seq().plus(1);
        negotiate(seg);
        if (ackAcceptable) {
            snd.ackOfSyn(nowUs, seg);
            sndUna = seg.ack();
            // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED".
            sndWnd = seg.window();
            sndWl1 = seg.seq();
            sndWl2 = seg.ack();
            snd.noteWindow();
            changeState(nowUs, TcpState.ESTABLISHED, "SYN,ACK received");
            snd.connectionEstablished(nowUs);
            // "If there are other controls or text in the segment, then continue processing at the
            // sixth step"; either way the SYN,ACK is acknowledged now.
            Incoming in = new Incoming(seg);
            in.dropSyn();
            seventhProcessText(nowUs, in);
            eighthCheckFin(nowUs, in);
            rcv.ackNow = true;
        } else {
            // Simultaneous open (RFC 9293 figure 7): "enter SYN-RECEIVED, form a SYN,ACK segment
            // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it".
            sndWnd = seg.window();
            sndWl1 = seg.seq();
            snd.noteWindow();
            changeState(nowUs, TcpState.SYN_RECEIVED, "SYN received (simultaneous open)");
            cancelTimer(nowUs, TimerKind.RETRANSMISSION);
            retries = 0;
            sendSynAck(nowUs, false);
        }
    }

    /** §3.10.7.4 Other states: the numbered checks in order; each returns false to stop. */
    private void otherwiseArrives(long nowUs, Incoming in) {
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
        if (state == TcpState.SYN_RECEIVED && in.syn && in.seq.equals(irs)) {
            if (!in.ack) {
                // The peer retransmitted its SYN: our SYN,ACK was lost. Answer with the SYN,ACK again
                // at once (as Linux does) rather than a bare ACK the peer in SYN-SENT would ignore.
                sendSynAck(nowUs, true);
                return false;
            }
            // Simultaneous open (figure 7, line 6): the peer's SYN,ACK repeats the SYN we already
            // hold; only its ACK is new, so process the segment without the SYN.
            in.dropSyn();
        }
        long wnd = rcvWnd;
        int segLen = in.segLen();
        boolean acceptable;
        if (segLen == 0) {
            acceptable = wnd == 0 ? in.seq.equals(rcvNxt) : in.seq.inWindow(rcvNxt, wnd);
        } else {
            acceptable = wnd != 0
                    && (in.seq.inWindow(rcvNxt, wnd) || in.seq.plus(segLen - 1).inWindow(rcvNxt, wnd));
        }
        if (!acceptable) {
            if (state == TcpState.TIME_WAIT && in.fin && !in.rst) {
                // Eighth step, TIME-WAIT: a retransmitted FIN is acknowledged and "Restart the 2 MSL time-wait
                // timeout".
                armTimer(nowUs, TimerKind.TIME_WAIT, nowUs + 2 * cfg.mslUs());
            }
            // "If an incoming segment is not acceptable, an acknowledgment should be sent in reply
            // (unless the RST bit is set, if so drop the segment and return)".
            if (!in.rst) sendAck(nowUs);
            return false;
        }
        // RFC 7323 §4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent then SEG.TSval is copied to
        // TS.Recent".
        if (tsOk
                && in.ts != null
                && in.ts.tsVal() - tsRecent >= 0
                && (lastAckSent == null || in.seq.lessOrEqual(lastAckSent))) {
            tsRecent = in.ts.tsVal();
        }
        // "only the new parts are processed": trim what lies before RCV.NXT and beyond the window.
        in.trimTo(rcvNxt, wnd);
        return true;
    }

    /** "second check the RST bit" (§3.10.7.4) with RFC 5961 §3.2's exact-match rule. */
    private boolean secondCheckRst(long nowUs, Incoming in) {
        if (!in.rst) return true;
        if (!in.seq.equals(rcvNxt)) {
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
        SeqNum ack = in.ackNo;
        if (state == TcpState.SYN_RECEIVED) {
            // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue processing"
            if (sndUna.lessThan(ack) && ack.lessOrEqual(sndNxt)) {
                changeState(nowUs, TcpState.ESTABLISHED, "ACK of SYN");
                snd.ackOfSyn(nowUs, in.raw);
                sndUna = iss.plus(1);
                sndWnd = (long) in.window << sndShift;
                sndWl1 = in.seq;
                sndWl2 = ack;
                snd.noteWindow();
                snd.connectionEstablished(nowUs);
                if (snd.finQueued) changeState(nowUs, TcpState.FIN_WAIT_1, "close");
            } else {
                // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
                emit(
                        nowUs,
                        TcpSegment.builder(key.localPort(), key.remotePort())
                                .seq(ack)
                                .flags(TcpFlag.RST)
                                .build(),
                        false);
                return false;
            }
        }
        // RFC 5961 §5.2: acceptable if (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT, else challenge ACK.
        if (ack.greaterThan(sndNxt) || ack.lessThan(sndUna.minus(Math.max(snd.maxSndWnd, 1)))) {
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
    private void seventhProcessText(long nowUs, Incoming in) {
        if (in.len == 0) return;
        switch (state) {
            case ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2 -> rcv.acceptText(nowUs, in.dataSeq(), in.data, in.off, in.len);
            default -> {} // "This should not occur since a FIN has been received from the remote side. Ignore".
        }
    }

    /** "eighth, check the FIN bit" (§3.10.7.4). */
    private void eighthCheckFin(long nowUs, Incoming in) {
        if (!in.fin) return;
        rcv.finArrived(nowUs, in.dataSeq().plus(in.len));
    }

    /** Called by the receiver when RCV.NXT reaches the peer's FIN: the FIN is now processed in order. */
    void finReached(long nowUs) {
        rcvNxt = rcvNxt.plus(1);
        rcv.ackNow = true;
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
        for (TimerKind k : TimerKind.values()) {
            if (k != TimerKind.TIME_WAIT) cancelTimer(nowUs, k);
        }
        armTimer(nowUs, TimerKind.TIME_WAIT, nowUs + 2 * cfg.mslUs());
    }

    // =====================================================================================
    // Timers

    /** Fires {@code kind} if it is armed and due at {@code nowUs}; returns whether it fired. */
    public boolean fireTimer(long nowUs, TimerKind kind) {
        if (state == TcpState.CLOSED || timers.deadline(kind) > nowUs) return false;
        timers.set(kind, TimerSet.IDLE);
        owner.events().emit(new LabEvent.TimerChanged(nowUs, id, owner.hostName(), kind, TimerAction.FIRED, nowUs));
        switch (kind) {
            case RETRANSMISSION -> retransmissionTimeout(nowUs);
            case TIME_WAIT -> delete(nowUs, "2MSL timeout");
            case PERSIST -> snd.persistTimeout(nowUs);
            case DELAYED_ACK -> rcv.ackNow = true;
            case KEEPALIVE -> {} // never armed: keep-alives are optional (RFC 9293 §3.8.4) and off here
        }
        if (state != TcpState.CLOSED) output(nowUs);
        return true;
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
            case SYN_SENT -> sendSyn(nowUs, true);
            case SYN_RECEIVED -> sendSynAck(nowUs, true);
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

    /** The earliest armed deadline, or Long.MAX_VALUE. */
    public long nextDeadline() {
        return timers.earliest();
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
        for (TimerKind k : TimerKind.values()) cancelTimer(nowUs, k);
        if (state != TcpState.LISTEN) state = TcpState.CLOSED;
        snd.release();
        rcv.release();
        owner.deleted(this);
    }

    /** TIME-WAIT ends early because a new SYN reopens the 4-tuple (RFC 6191). */
    public void reincarnated(long nowUs) {
        delete(nowUs, "new SYN in TIME-WAIT (RFC 6191)");
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

    private void sendSyn(long nowUs, boolean retransmission) {
        if (retransmission) handshakeRetransmitted = true;
        snd.timeSyn(nowUs, retransmission);
        emit(
                nowUs,
                TcpSegment.builder(key.localPort(), key.remotePort())
                        .seq(iss)
                        .flags(TcpFlag.SYN)
                        .window(synWindow())
                        .options(synOptions(nowUs, false))
                        .build(),
                retransmission);
        armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + snd.rto.rtoUs());
    }

    private void sendSynAck(long nowUs, boolean retransmission) {
        if (retransmission) handshakeRetransmitted = true;
        snd.timeSyn(nowUs, retransmission);
        emitSynAck(nowUs, retransmission);
        armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + snd.rto.rtoUs());
    }

    private void emitSynAck(long nowUs, boolean retransmission) {
        emit(
                nowUs,
                TcpSegment.builder(key.localPort(), key.remotePort())
                        .seq(iss)
                        .ack(rcvNxt)
                        .flags(TcpFlag.SYN)
                        .window(synWindow())
                        .options(synOptions(nowUs, true))
                        .build(),
                retransmission);
    }

    /** {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}. */
    void sendAck(long nowUs) {
        emit(nowUs, segment(sndNxt, true).build(), false);
    }

    /** RFC 5961 §3.2/§4/§5: the same ACK, sent to make a blind attacker's guess visible to the peer. */
    private void sendChallengeAck(long nowUs, String why) {
        owner.events()
                .emit(new LabEvent.Note(
                        nowUs, id, owner.hostName().id() + " sends a challenge ACK (RFC 5961): " + why));
        sendAck(nowUs);
    }

    /** A segment at {@code seq} with our window, ACK if asked, and the negotiated per-segment options. */
    TcpSegment.Builder segment(SeqNum seq, boolean withAck) {
        TcpSegment.Builder b =
                TcpSegment.builder(key.localPort(), key.remotePort()).seq(seq);
        if (withAck) b.ack(rcvNxt);
        return b.window(windowField());
    }

    /** Options every non-SYN segment carries: timestamps if negotiated, SACK blocks on ACKs if any. */
    List<TcpOption> segmentOptions(long nowUs, boolean withAck, boolean withSack) {
        List<TcpOption> opts = null;
        if (tsOk) {
            opts = new ArrayList<>(6);
            opts.add(new TcpOption.NoOp());
            opts.add(new TcpOption.NoOp());
            opts.add(new TcpOption.Timestamps(tsClock(nowUs), withAck ? tsRecent : 0));
        }
        if (sackOk && withSack) {
            List<TcpOption.SackBlock> blocks = rcv.sackBlocks(tsOk ? 3 : 4);
            if (!blocks.isEmpty()) {
                if (opts == null) opts = new ArrayList<>(3);
                opts.add(new TcpOption.NoOp());
                opts.add(new TcpOption.NoOp());
                opts.add(new TcpOption.Sack(blocks));
            }
        }
        return opts == null ? List.of() : opts;
    }

    static int optionBytes(List<TcpOption> opts) {
        int n = 0;
        for (TcpOption o : opts) {
            if (o instanceof TcpOption.NoOp || o instanceof TcpOption.EndOfList) n += 1;
            else if (o instanceof TcpOption.Timestamps) n += 10;
            else if (o instanceof TcpOption.Sack s) n += 2 + 8 * s.blocks().size();
            else if (o instanceof TcpOption.MaxSegmentSize) n += 4;
            else if (o instanceof TcpOption.WindowScale) n += 3;
            else n += 2;
        }
        return n;
    }

    /** Finishes a segment: adds the per-segment options and hands it to the owner. */
    void emit(long nowUs, TcpSegment seg, boolean retransmission) {
        emit(nowUs, seg, retransmission, false);
    }

    void emit(long nowUs, TcpSegment seg, boolean retransmission, boolean probe) {
        TcpSegment out = seg;
        if (!seg.flags().syn() && !seg.flags().rst() && (tsOk || sackOk)) {
            // SACK blocks ride on pure ACKs only, so data segments keep to the effective MSS.
            List<TcpOption> opts =
                    segmentOptions(nowUs, seg.flags().ack(), seg.flags().ack() && seg.payloadLength() == 0);
            if (!opts.isEmpty()) out = seg.toBuilder().options(opts).build();
        }
        if (out.flags().ack()) {
            lastAckSent = rcvNxt;
            rcv.ackSent(nowUs);
        }
        owner.transmit(this, out, retransmission, probe);
    }

    /** RFC 7323 §4: our TSval clock ticks in milliseconds (plus one so that time 0 is not "no echo"). */
    static int tsClock(long nowUs) {
        return (int) (nowUs / 1000) + 1;
    }

    /** RFC 7323 §2.2: "The window field in a segment where the SYN bit is set ... MUST NOT be scaled". */
    private int synWindow() {
        return (int) Math.min(rcvWnd, 0xffff);
    }

    /** RFC 7323 §2.3: the window field is RCV.WND shifted right by our scale (rounded down). */
    int windowField() {
        return (int) Math.min(rcvWnd >> rcvShift, 0xffff);
    }

    /** SYN options: MSS, SACK-permitted, timestamps, window scale; a SYN,ACK offers only what the peer offered. */
    private List<TcpOption> synOptions(long nowUs, boolean synAck) {
        List<TcpOption> o = new ArrayList<>(8);
        o.add(new TcpOption.MaxSegmentSize(cfg.mss()));
        boolean answer = synAck && passive;
        if (answer ? sackOk : cfg.sack()) o.add(new TcpOption.SackPermitted());
        if (answer ? tsOk : cfg.timestamps()) {
            if (!(answer ? sackOk : cfg.sack())) {
                o.add(new TcpOption.NoOp());
                o.add(new TcpOption.NoOp());
            }
            o.add(new TcpOption.Timestamps(tsClock(nowUs), synAck && tsOk ? tsRecent : 0));
        }
        if (answer ? wsOk : cfg.windowScale() > 0) {
            o.add(new TcpOption.NoOp());
            o.add(new TcpOption.WindowScale(Math.min(cfg.windowScale(), 14)));
        }
        return o;
    }

    /** Reads the peer's SYN options (RFC 9293 §3.7.1, RFC 7323 §2.2/§3.2, RFC 2018 §2). */
    private void negotiate(TcpSegment syn) {
        peerMss = syn.option(TcpOption.MaxSegmentSize.class)
                .map(TcpOption.MaxSegmentSize::mss)
                .orElse(536);
        effMss = Math.max(1, Math.min(peerMss, cfg.mss()));
        var ws = syn.option(TcpOption.WindowScale.class);
        if (cfg.windowScale() > 0 && ws.isPresent()) {
            // RFC 7323 §2.3: shifts above 14 are used as 14.
            sndShift = Math.min(ws.get().shift(), 14);
            rcvShift = Math.min(cfg.windowScale(), 14);
            wsOk = true;
        } else {
            sndShift = 0;
            rcvShift = 0;
        }
        sackOk = cfg.sack() && syn.option(TcpOption.SackPermitted.class).isPresent();
        var ts = syn.option(TcpOption.Timestamps.class);
        tsOk = cfg.timestamps() && ts.isPresent();
        if (tsOk) tsRecent = ts.get().tsVal();
        rcv.negotiated();
        rcvWnd = rcv.window();
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

    public boolean passive() {
        return passive;
    }

    public SeqNum sndUna() {
        return sndUna;
    }

    public SeqNum sndNxt() {
        return sndNxt;
    }

    public SeqNum rcvNxt() {
        return rcvNxt;
    }

    public long rcvWnd() {
        return rcvWnd;
    }

    public long sndWnd() {
        return sndWnd;
    }

    public long cwnd() {
        return snd.cwnd;
    }

    public long ssthresh() {
        return snd.ssthresh;
    }

    public long rtoUs() {
        return snd.rto.rtoUs();
    }

    public ConnectionSnapshot snapshot() {
        return new ConnectionSnapshot(
                id,
                key,
                state,
                iss.value(),
                irs == null ? 0 : irs.value(),
                sndUna.value(),
                sndNxt.value(),
                sndWnd,
                rcvNxt == null ? 0 : rcvNxt.value(),
                rcvWnd,
                snd.cwnd,
                snd.ssthresh,
                snd.rto.srttUs(),
                snd.rto.rtoUs(),
                effMss,
                sndShift,
                rcvShift,
                sackOk,
                tsOk,
                snd.bytesAcked,
                rcv.bytesReceived,
                rcv.reading);
    }

    @Override
    public String toString() {
        return "Tcb[" + id + " " + key + " " + state + "]";
    }

    /** The segment being processed, trimmed as the first check says; mutable only during processing. */
    static final class Incoming {
        final TcpSegment raw;
        SeqNum seq;
        boolean syn;
        boolean fin;
        final boolean ack;
        final boolean rst;
        final SeqNum ackNo;
        final int window;
        final byte[] data;
        int off;
        int len;
        final TcpOption.Timestamps ts;

        Incoming(TcpSegment s) {
            raw = s;
            seq = s.seq();
            syn = s.flags().syn();
            fin = s.flags().fin();
            ack = s.flags().ack();
            rst = s.flags().rst();
            ackNo = ack ? s.ack() : null;
            window = s.window();
            data = s.payloadLength() == 0 ? EMPTY : s.payload();
            len = data.length;
            ts = s.options().isEmpty()
                    ? null
                    : s.option(TcpOption.Timestamps.class).orElse(null);
        }

        private static final byte[] EMPTY = new byte[0];

        int segLen() {
            return len + (syn ? 1 : 0) + (fin ? 1 : 0);
        }

        /** Sequence number of the first data byte. */
        SeqNum dataSeq() {
            return syn ? seq.plus(1) : seq;
        }

        void dropSyn() {
            if (syn) {
                syn = false;
                seq = seq.plus(1);
            }
        }

        /** Keeps only the part within [rcvNxt, rcvNxt + wnd) (a FIN past the window is dropped too). */
        void trimTo(SeqNum rcvNxt, long wnd) {
            if (seq.lessThan(rcvNxt)) {
                long before = rcvNxt.distanceFrom(seq);
                if (syn) {
                    syn = false;
                    before--;
                    seq = seq.plus(1);
                }
                int cut = (int) Math.min(before, len);
                off += cut;
                len -= cut;
                seq = seq.plus(cut);
                if (before > cut && fin) fin = false; // the FIN itself is old
            }
            long room = wnd - seq.distanceFrom(rcvNxt) - (syn ? 1 : 0);
            if (len > room) {
                len = (int) Math.max(room, 0);
                fin = false;
            }
        }
    }
}
