package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * The opening handshake of one connection (RFC 9293 §3.5): active and passive OPEN (§3.10.1,
 * §3.10.7.2), SEGMENT ARRIVES in SYN-SENT (§3.10.7.3), the SYN-RECEIVED parts of the first and
 * fifth checks (§3.10.7.4), the SYN and SYN,ACK with their options (RFC 9293 §3.7.1, RFC 7323,
 * RFC 2018) and their retransmission. Stateless: what the handshake leaves behind lives where it
 * belongs (IRS and RCV.NXT in the Receiver, ISS and the SYN's timing in the Sender, the agreed
 * {@link NegotiatedOptions} in the Tcb), so an established connection carries nothing of it.
 */
final class Handshake {

    private Handshake() {}

    /** Active OPEN (§3.10.1): "An initial send sequence number (ISS) is selected. A SYN segment ... is sent". */
    static void activeOpen(Tcb t, long nowUs) {
        t.changeState(nowUs, TcpState.SYN_SENT, "active open");
        sendSyn(t, nowUs, false);
    }

    /**
     * LISTEN state, third check (§3.10.7.2): a SYN makes a new TCB in SYN-RECEIVED that answers
     * {@code <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>}. With {@link TcpConfig#twoWayHandshake()} the
     * teaching variant goes straight to ESTABLISHED and hands the SYN's data to the application.
     */
    static void passiveOpen(Tcb t, long nowUs, TcpSegment syn) {
        t.state = TcpState.LISTEN;
        synArrived(t, syn);
        // RFC 7323 §2.2: the window in a SYN is never scaled.
        t.snd.takeWindow(syn.seq(), t.snd.iss, syn.window());
        if (t.cfg.twoWayHandshake()) {
            t.changeState(nowUs, TcpState.ESTABLISHED, "SYN received (two-way handshake)");
            // The server believes the handshake is over: its SYN needs no acknowledgment.
            t.snd.synAssumedAcked();
            t.snd.connectionEstablished(nowUs);
            byte[] data = syn.payload();
            int len = (int) Math.min(data.length, t.rcv.window());
            if (len > 0) t.rcv.acceptText(nowUs, syn.seq().plus(1), data, 0, len);
            emitSynAck(t, nowUs, false);
            t.output(nowUs);
            return;
        }
        t.changeState(nowUs, TcpState.SYN_RECEIVED, "SYN received");
        if (t.cfg.fourWayHandshake()) {
            // "Why not four": acknowledge the SYN on its own, then send our SYN on its own. Merging
            // the two (a SYN,ACK) saves a segment and nothing else (RFC 9293 §3.5).
            t.emit(
                    nowUs,
                    TcpSegment.builder(t.key.localPort(), t.key.remotePort())
                            .seq(t.snd.iss)
                            .ack(t.rcv.rcvNxt)
                            .flags(TcpFlag.ACK)
                            .window(t.rcv.synWindow())
                            .build(),
                    Transmission.FIRST);
            sendSyn(t, nowUs, false);
            return;
        }
        sendSynAck(t, nowUs, false);
    }

    /** §3.10.7.3 SYN-SENT STATE. */
    static void synSentArrives(Tcb t, long nowUs, TcpSegment seg) {
        boolean ackAcceptable = false;
        // "first check the ACK bit": "If SEG.ACK =< ISS or SEG.ACK > SND.NXT, send a reset (unless
        // the RST bit is set, if so drop the segment and return) <SEQ=SEG.ACK><CTL=RST>".
        SeqNum ack = seg.ackNumber().orElse(null);
        if (ack != null) {
            if (ack.lessOrEqual(t.snd.iss) || ack.greaterThan(t.snd.sndNxt)) {
                if (!seg.flags().rst()) t.emit(nowUs, t.reset(ack), Transmission.FIRST);
                return;
            }
            // "If SND.UNA < SEG.ACK =< SND.NXT, then the ACK is acceptable" (SND.UNA = ISS here).
            ackAcceptable = true;
        }
        // "second check the RST bit": acceptable only if its ACK acknowledges our SYN (RFC 5961 §3.2).
        if (seg.flags().rst()) {
            if (ackAcceptable) {
                t.error(nowUs, "refused", "connection refused: RST in SYN-SENT");
                t.delete(nowUs, "RST received");
            }
            return;
        }
        // "third check the security" (skipped: RFC 9293 §3.9.1 compartments are not modelled).
        // "fourth check the SYN bit".
        if (!seg.flags().syn()) {
            // The four-way variant: the peer acknowledged our SYN before sending its own.
            if (ackAcceptable && t.cfg.fourWayHandshake()) {
                t.snd.sndUna = t.snd.iss.plus(1);
                t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
            }
            return; // "fifth, if neither of the SYN or RST bits is set, then drop"
        }
        synArrived(t, seg);
        if (!ackAcceptable && t.cfg.fourWayHandshake() && t.snd.sndUna.greaterThan(t.snd.iss)) {
            // Our SYN was acknowledged by the second segment; this is the peer's SYN, the third.
            t.snd.takeWindow(seg.seq(), t.snd.sndUna, seg.window());
            t.changeState(nowUs, TcpState.ESTABLISHED, "SYN received after the ACK of ours (four-way)");
            t.snd.connectionEstablished(nowUs);
            t.rcv.ackNow = true;
            return;
        }
        if (ackAcceptable) {
            // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED".
            t.snd.synAcked(nowUs, seg);
            t.snd.takeWindow(seg.seq(), ack, seg.window());
            t.changeState(nowUs, TcpState.ESTABLISHED, "SYN,ACK received");
            t.snd.connectionEstablished(nowUs);
            // "If there are other controls or text in the segment, then continue processing at the
            // sixth step"; either way the SYN,ACK is acknowledged now.
            Incoming in = new Incoming(seg);
            in.dropSyn();
            t.seventhProcessText(nowUs, in);
            t.eighthCheckFin(nowUs, in);
            t.rcv.ackNow = true;
        } else {
            // Simultaneous open (RFC 9293 figure 7): "enter SYN-RECEIVED, form a SYN,ACK segment
            // <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> and send it".
            t.snd.takeWindow(seg.seq(), t.snd.iss, seg.window());
            t.changeState(nowUs, TcpState.SYN_RECEIVED, "SYN received (simultaneous open)");
            t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
            t.retries = 0;
            sendSynAck(t, nowUs, false);
        }
    }

    /**
     * SYN-RECEIVED, before "first check sequence number": the peer's own SYN again. Returns false
     * when the segment has been dealt with.
     */
    static boolean synReceivedSeesSyn(Tcb t, long nowUs, Incoming in) {
        if (!in.syn || !in.seq.equals(t.rcv.irs)) return true;
        if (!in.ack) {
            // The peer retransmitted its SYN: our SYN,ACK was lost. Answer with the SYN,ACK again at
            // once (as Linux does) rather than a bare ACK the peer in SYN-SENT would ignore.
            sendSynAck(t, nowUs, true);
            return false;
        }
        // Simultaneous open (figure 7, line 6): the peer's SYN,ACK repeats the SYN we already hold;
        // only its ACK is new, so process the segment without the SYN.
        in.dropSyn();
        return true;
    }

    /**
     * SYN-RECEIVED, "fifth check the ACK field": "If SND.UNA < SEG.ACK =< SND.NXT, then enter
     * ESTABLISHED state and continue processing with the variables below set to: SND.WND <- SEG.WND,
     * SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK". Returns false when the segment is done with.
     */
    static boolean ackOfSynArrives(Tcb t, long nowUs, Incoming in) {
        SeqNum ack = in.ackNo;
        if (!t.snd.sndUna.lessThan(ack) || !ack.lessOrEqual(t.snd.sndNxt)) {
            // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
            t.emit(nowUs, t.reset(ack), Transmission.FIRST);
            return false;
        }
        t.changeState(nowUs, TcpState.ESTABLISHED, "ACK of SYN");
        t.snd.synAcked(nowUs, in.raw);
        t.snd.takeWindow(in.seq, ack, (long) in.window << t.options.sndShift());
        t.snd.connectionEstablished(nowUs);
        if (t.snd.finQueued) t.changeState(nowUs, TcpState.FIN_WAIT_1, "close");
        return true;
    }

    /** The retransmission timer fired in SYN-SENT or SYN-RECEIVED (RFC 6298 §5.4, backed off by the caller). */
    static void retransmit(Tcb t, long nowUs) {
        if (t.state == TcpState.SYN_SENT || t.cfg.fourWayHandshake()) {
            sendSyn(t, nowUs, true);
        } else {
            sendSynAck(t, nowUs, true);
        }
    }

    private static void sendSyn(Tcb t, long nowUs, boolean retransmission) {
        t.snd.timeSyn(nowUs, retransmission);
        t.emit(
                nowUs,
                TcpSegment.builder(t.key.localPort(), t.key.remotePort())
                        .seq(t.snd.iss)
                        .flags(TcpFlag.SYN)
                        .window(t.rcv.synWindow())
                        .options(synOptions(t, nowUs, false))
                        .build(),
                retransmission ? Transmission.RETRANSMISSION : Transmission.FIRST);
        t.armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + t.snd.rto.rtoUs());
    }

    private static void sendSynAck(Tcb t, long nowUs, boolean retransmission) {
        t.snd.timeSyn(nowUs, retransmission);
        emitSynAck(t, nowUs, retransmission);
        t.armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + t.snd.rto.rtoUs());
    }

    private static void emitSynAck(Tcb t, long nowUs, boolean retransmission) {
        t.emit(
                nowUs,
                TcpSegment.builder(t.key.localPort(), t.key.remotePort())
                        .seq(t.snd.iss)
                        .ack(t.rcv.rcvNxt)
                        .flags(TcpFlag.SYN)
                        .window(t.rcv.synWindow())
                        .options(synOptions(t, nowUs, true))
                        .build(),
                retransmission ? Transmission.RETRANSMISSION : Transmission.FIRST);
    }

    /** SYN options: MSS, SACK-permitted, timestamps, window scale; a passive SYN,ACK offers only what the peer offered. */
    private static List<TcpOption> synOptions(Tcb t, long nowUs, boolean synAck) {
        NegotiatedOptions n = t.options;
        TcpConfig cfg = t.cfg;
        List<TcpOption> o = new ArrayList<>(8);
        o.add(new TcpOption.MaxSegmentSize(cfg.mss()));
        boolean answer = synAck && t.passive;
        boolean sack = answer ? n.sack() : cfg.sack();
        if (sack) o.add(new TcpOption.SackPermitted());
        if (answer ? n.timestamps() : cfg.timestamps()) {
            if (!sack) {
                o.add(Tcb.NOP);
                o.add(Tcb.NOP);
            }
            o.add(new TcpOption.Timestamps(Tcb.tsClock(nowUs), synAck && n.timestamps() ? t.rcv.tsRecent : 0));
        }
        if (answer ? n.windowScaling() : cfg.windowScale() > 0) {
            o.add(Tcb.NOP);
            o.add(new TcpOption.WindowScale(Math.min(cfg.windowScale(), 14)));
        }
        return o;
    }

    /** The peer's SYN: IRS and RCV.NXT, and its options read (RFC 9293 §3.7.1, RFC 7323 §2.2/§3.2, RFC 2018 §2). */
    private static void synArrived(Tcb t, TcpSegment syn) {
        t.rcv.synArrived(syn.seq());
        t.options = NegotiatedOptions.of(syn, t.cfg);
        t.rcv.negotiated(t.options);
        if (t.options.timestamps()) {
            t.rcv.tsRecent =
                    syn.option(TcpOption.Timestamps.class).orElseThrow().tsVal();
        }
    }
}
