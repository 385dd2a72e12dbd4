package org.tcplab.engine.tcp;

import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * The sending half of a connection (gVisor's snd.go), owner of the send sequence space (RFC 9293
 * §3.3.1: SND.UNA, SND.NXT, SND.WND, SND.WL1, SND.WL2, ISS): the send buffer, what the windows allow
 * (RFC 9293 §3.8.6), retransmission (RFC 6298), congestion control (RFC 5681 with RFC 6582
 * NewReno), the SACK scoreboard (RFC 2018 / RFC 6675's idea of skipping SACKed data), Nagle
 * (RFC 896) and the persist timer (RFC 9293 §3.8.6.1).
 */
final class Sender {

    /** RFC 5681 §3.1: ssthresh "MAY be arbitrarily high (for example, to the size of the largest possible advertised window)". */
    static final long INITIAL_SSTHRESH = 1L << 30;

    /** RFC 9293 §3.8.6.2.1: "The override timeout should be in the range 0.1 - 1.0 seconds." */
    static final long SWS_OVERRIDE_US = 200_000;

    private final Tcb t;
    final RtoEstimator rto;

    // ---- RFC 9293 §3.3.1 send sequence variables
    /** ISS: our initial send sequence number. */
    final SeqNum iss;
    /** SND.UNA: oldest unacknowledged sequence number. */
    SeqNum sndUna;
    /** SND.NXT: next sequence number to be sent (new data; retransmissions go below it). */
    SeqNum sndNxt;
    /** SND.WND: the send window the peer offers (already scaled), in bytes. */
    long sndWnd;
    /** SND.WL1: segment sequence number used for the last window update. */
    private SeqNum sndWl1 = SeqNum.ZERO;
    /** SND.WL2: segment acknowledgment number used for the last window update. */
    private SeqNum sndWl2;
    /** MAX.SND.WND (RFC 5961 §5), Max(SND.WND) of RFC 9293 §3.8.6.2.1: the largest window the peer has offered. */
    long maxSndWnd;

    /** Bytes the application gave us that are not yet acknowledged; allocated on first use. */
    private ByteQueue buf;
    /** Sequence number of the first byte in {@link #buf}. */
    private SeqNum bufSeq;
    /** CLOSE was called: a FIN follows the last byte of {@link #buf}. */
    boolean finQueued;

    // ---- RFC 5681 / RFC 6582
    long cwnd;
    long ssthresh = INITIAL_SSTHRESH;
    private int dupAcks;
    private boolean inRecovery;
    /** RFC 6582 "recover": the highest sequence number sent when fast recovery began. */
    private SeqNum recover;
    /** After a timeout: retransmit everything from {@link #rtxNext} up to SND.NXT (go-back-N), skipping SACKed data. */
    private boolean goBackN;

    private SeqNum rtxNext;
    private long lastReportedCwnd = -1;
    private SeqNum roundEnd;

    /** RTT timing without timestamps: the segment being timed ends at {@link #rttSeq}. */
    private SeqNum rttSeq;

    private long rttStartUs;
    /** Our SYN or SYN,ACK was retransmitted (RFC 6298 §5.7). */
    private boolean synRetransmitted;

    private int persistBackoff;
    /** Silly window avoidance held a small segment back with nothing in flight (the override timer's case). */
    private boolean swsHeld;
    /** The override timer fired: the next small segment goes whatever its size. */
    private boolean swsOverride;
    /** What the peer SACKed above SND.UNA; allocated on first use. */
    private SackScoreboard scoreboard;

    /** Application bytes acknowledged by the peer. */
    long bytesAcked;

    Sender(Tcb t, SeqNum iss) {
        this.t = t;
        this.rto = new RtoEstimator(t.cfg.initialRtoUs(), t.cfg.minRtoUs(), t.cfg.maxRtoUs());
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss.plus(1); // the SYN
        this.sndWl2 = iss;
        this.bufSeq = iss.plus(1);
        this.recover = iss;
    }

    // ---- the application side

    void queue(byte[] data) {
        if (data.length == 0) return;
        if (buf == null) buf = new ByteQueue();
        buf.append(data, 0, data.length);
    }

    private long buffered() {
        return buf == null ? 0 : buf.size();
    }

    private SeqNum dataEnd() {
        return bufSeq.plus(buffered());
    }

    private SeqNum finSeq() {
        return dataEnd();
    }

    boolean finSent() {
        return finQueued && sndNxt.greaterThan(finSeq());
    }

    boolean finAcked() {
        return finQueued && sndUna.greaterThan(finSeq());
    }

    private int payloadCap() {
        return t.options.payloadCap();
    }

    void release() {
        buf = null;
        scoreboard = null;
    }

    // ---- the send window

    /**
     * SND.WND &lt;- SEG.WND, SND.WL1 &lt;- SEG.SEQ, SND.WL2 &lt;- SEG.ACK, as the handshake sets them
     * (RFC 9293 §3.10.7.3, §3.10.7.4 SYN-RECEIVED) and the window-update rule below does.
     */
    void takeWindow(SeqNum seq, SeqNum ack, long window) {
        sndWnd = window;
        sndWl1 = seq;
        sndWl2 = ack;
        maxSndWnd = Math.max(maxSndWnd, window);
    }

    /**
     * RFC 5961 §5.2: an ACK is acceptable if (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT; any other
     * ACK earns a challenge ACK.
     */
    boolean ackAcceptable(SeqNum ack) {
        return !ack.greaterThan(sndNxt) && !ack.lessThan(sndUna.minus(Math.max(maxSndWnd, 1)));
    }

    // ---- handshake

    /** Times the SYN (or SYN,ACK) unless it is a retransmission (Karn's rule, RFC 6298 §3). */
    void timeSyn(long nowUs, boolean retransmission) {
        if (retransmission) {
            synRetransmitted = true;
            rttSeq = null;
        } else {
            rttSeq = iss.plus(1);
            rttStartUs = nowUs;
        }
    }

    /** The ACK of our SYN arrived: SND.UNA moves past the SYN and one RTT sample is taken (RFC 7323 §4, else Karn-timed). */
    void synAcked(long nowUs, TcpSegment seg) {
        TcpOption.Timestamps ts =
                t.options.timestamps() ? seg.option(TcpOption.Timestamps.class).orElse(null) : null;
        if (ts != null && ts.tsEcr() != 0) {
            rto.sample((long) (Tcb.tsClock(nowUs) - ts.tsEcr()) * 1000);
        } else if (rttSeq != null) {
            rto.sample(nowUs - rttStartUs);
        }
        rttSeq = null;
        sndUna = iss.plus(1);
    }

    /** The teaching two-way handshake: the server treats its SYN as acknowledged without an ACK. */
    void synAssumedAcked() {
        sndUna = sndNxt;
    }

    /** Entering ESTABLISHED: RFC 5681 §3.1's initial window; RFC 6298 §5.7 after a lost SYN. */
    void connectionEstablished(long nowUs) {
        t.retries = 0;
        if (synRetransmitted) rto.handshakeLossReset();
        int smss = payloadCap();
        // RFC 5681 §3.1: IW = 2, 3 or 4 segments depending on SMSS.
        int segments = smss > 2190 ? 2 : smss > 1095 ? 3 : 4;
        cwnd = (long) segments * smss;
        roundEnd = sndNxt;
        congestion(nowUs, "initial window (RFC 5681 §3.1)");
    }

    // ---- ACK processing (RFC 9293 §3.10.7.4 fifth step, ESTABLISHED)

    void onAck(long nowUs, Incoming in) {
        SeqNum ack = in.ackNo;
        long scaledWnd = (long) in.window << t.options.sndShift();
        if (t.options.sack()) updateScoreboard(in.raw);
        boolean dup = ack.equals(sndUna)
                && in.len == 0
                && !in.syn
                && !in.fin
                && sndNxt.greaterThan(sndUna)
                && scaledWnd == sndWnd
                && sndWnd != 0; // answers to window probes are not a sign of loss
        if (ack.greaterThan(sndUna)) {
            newDataAcked(nowUs, in, ack);
        } else if (dup) {
            duplicateAck(nowUs);
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ
        // or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ,
        // and SND.WL2 <- SEG.ACK."
        if (sndUna.lessOrEqual(ack)
                && (sndWl1.lessThan(in.seq) || (sndWl1.equals(in.seq) && sndWl2.lessOrEqual(ack)))) {
            long old = sndWnd;
            takeWindow(in.seq, ack, scaledWnd);
            if (old == 0 && scaledWnd > 0 && t.timers.armed(TimerKind.PERSIST)) {
                // The window reopened: stop probing and resend from SND.UNA what the closed window refused.
                t.cancelTimer(nowUs, TimerKind.PERSIST);
                persistBackoff = 0;
                if (sndNxt.greaterThan(sndUna)) {
                    goBackN = true;
                    rtxNext = sndUna;
                }
            }
        }
    }

    private void newDataAcked(long nowUs, Incoming in, SeqNum ack) {
        long acked = ack.distanceFrom(sndUna);
        // RTT measurement: RFC 7323 §4.1 (timestamps, any ACK that advances SND.UNA) or one timed
        // segment (RFC 6298 §3, Karn).
        if (t.options.timestamps() && in.ts != null && in.ts.tsEcr() != 0) {
            rto.sample((long) (Tcb.tsClock(nowUs) - in.ts.tsEcr()) * 1000);
        } else if (rttSeq != null && ack.greaterOrEqual(rttSeq)) {
            rto.sample(nowUs - rttStartUs);
            rttSeq = null;
        }
        if (ack.greaterThan(bufSeq) && buf != null) {
            long data = Math.min(ack.distanceFrom(bufSeq), buf.size());
            buf.drop(data);
            bufSeq = bufSeq.plus(data);
            bytesAcked += data;
            if (buf.size() == 0) buf.clear();
        }
        sndUna = ack;
        if (goBackN && rtxNext.lessThan(ack)) rtxNext = ack;
        if (scoreboard != null) scoreboard.acknowledgedTo(sndUna);
        t.retries = 0;
        persistBackoff = 0;
        congestionOnNewAck(nowUs, ack, acked);
        // RFC 6298 §5.2: "When all outstanding data has been acknowledged, turn off the retransmission timer."
        // §5.3: "When an ACK is received that acknowledges new data, restart the retransmission timer".
        if (sndUna.equals(sndNxt)) {
            t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
        } else {
            t.armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + rto.rtoUs());
        }
    }

    private void congestionOnNewAck(long nowUs, SeqNum ack, long acked) {
        int smss = payloadCap();
        if (inRecovery) {
            if (ack.greaterOrEqual(recover)) {
                // RFC 6582 §3.2 step 3, full acknowledgment: "Set cwnd to either (1) min (ssthresh,
                // max(FlightSize, SMSS) + SMSS) or (2) ssthresh"; we take (1).
                long flight = sndNxt.distanceFrom(sndUna);
                cwnd = Math.min(ssthresh, Math.max(flight, smss) + smss);
                inRecovery = false;
                dupAcks = 0;
                congestion(nowUs, "fast recovery exit (full ACK)");
            } else {
                // RFC 6582 §3.2 step 4, partial acknowledgment: retransmit the first unacknowledged
                // segment, deflate cwnd by the amount acknowledged, add back one SMSS.
                retransmitFirstHole(nowUs);
                cwnd = Math.max(cwnd - acked + (acked >= smss ? smss : 0), smss);
            }
            return;
        }
        dupAcks = 0;
        if (cwnd < ssthresh) {
            // RFC 5681 §3.1 slow start: "cwnd += min (N, SMSS)".
            cwnd += Math.min(acked, smss);
            if (cwnd >= ssthresh) congestion(nowUs, "slow start exit");
        } else {
            // RFC 5681 §3.1 congestion avoidance (equation 3): cwnd += SMSS*SMSS/cwnd.
            cwnd += Math.max(1, (long) smss * smss / cwnd);
        }
        // Report growth once per round trip, not on every ACK.
        if (roundEnd == null || ack.greaterOrEqual(roundEnd)) {
            if (cwnd != lastReportedCwnd) congestion(nowUs, cwnd < ssthresh ? "slow start" : "congestion avoidance");
            roundEnd = sndNxt;
        }
    }

    /** RFC 5681 §3.2 with RFC 6582: the third duplicate ACK triggers fast retransmit and fast recovery. */
    private void duplicateAck(long nowUs) {
        dupAcks++;
        int smss = payloadCap();
        if (inRecovery) {
            cwnd += smss; // RFC 6582 §3.2 step 4 / RFC 5681 §3.2 step 4: inflate for each further duplicate
            return;
        }
        if (dupAcks != 3) return;
        // RFC 6582 §3.2 step 2: only if the cumulative ACK covers more than "recover" (the highest
        // sequence number sent when the last recovery or timeout began; we keep it as one past that).
        if (sndUna.lessThan(recover)) return;
        long flight = sndNxt.distanceFrom(sndUna);
        ssthresh = Math.max(flight / 2, 2L * smss); // RFC 5681 equation (4)
        recover = sndNxt;
        inRecovery = true;
        retransmitFirstHole(nowUs);
        cwnd = ssthresh + 3L * smss;
        congestion(nowUs, "3 duplicate ACKs: fast retransmit");
    }

    /** Retransmits one segment at the first un-SACKed sequence number at or after SND.UNA. */
    private void retransmitFirstHole(long nowUs) {
        SeqNum seq = skipSacked(sndUna);
        if (!seq.lessThan(sndNxt)) return;
        rttSeq = null; // Karn
        sendAt(nowUs, seq, sndNxt, Transmission.RETRANSMISSION);
    }

    /**
     * RFC 6298 §5.4 to §5.6 for data, plus RFC 5681 §3.1's loss response (equation 4, LW = 1 SMSS).
     * The SACK scoreboard is discarded: RFC 2018 §5.1 "After a retransmit timeout the data sender
     * SHOULD turn off all of the SACKed bits, since the timeout might indicate that the data receiver
     * has reneged", and §5 "the sender MUST retransmit the segment at the left edge of the window
     * after a retransmit timeout, whether or not the SACKed bit is on for that segment" (RFC 6675
     * §5.1: "ignore prior SACK information in determining which data to retransmit").
     */
    void retransmissionTimeout(long nowUs) {
        if (scoreboard != null) scoreboard.clear();
        int smss = payloadCap();
        long flight = sndNxt.distanceFrom(sndUna);
        ssthresh = Math.max(flight / 2, 2L * smss);
        cwnd = smss;
        inRecovery = false;
        dupAcks = 0;
        recover = sndNxt; // RFC 6582 §4
        rttSeq = null;
        goBackN = true;
        rtxNext = sndUna;
        congestion(nowUs, "retransmission timeout");
    }

    /**
     * The persist timer fired: send a one-byte window probe (RFC 9293 §3.8.6.1) and back off. The
     * probe is marked as a probe, not a retransmission, even when its byte was sent before the
     * window closed.
     */
    void persistTimeout(long nowUs) {
        persistBackoff = Math.min(persistBackoff + 1, 16);
        if (sndNxt.greaterThan(sndUna)) {
            sendAt(nowUs, sndUna, sndUna.plus(1), Transmission.PROBE);
        } else if (dataEnd().greaterThan(sndNxt) || (finQueued && !finSent())) {
            SeqNum start = sndNxt;
            sndNxt = start.plus(sendAt(nowUs, start, start.plus(1), Transmission.PROBE));
        }
    }

    /** RFC 9293 §3.8.6.2.1 (4): "or if the override timeout occurs", send what the window allows. */
    void swsOverrideTimeout() {
        swsOverride = true;
    }

    // ---- output

    /**
     * Sends what may go now: after a timeout, the go-back-N retransmissions; then new data and the
     * FIN as far as min(SND.WND, cwnd) allows; then settles the retransmission and persist timers.
     */
    void output(long nowUs) {
        switch (t.state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK -> {}
            default -> {
                return;
            }
        }
        if (goBackN) {
            while (true) {
                rtxNext = skipSacked(rtxNext);
                if (!rtxNext.lessThan(sndNxt)) {
                    goBackN = false;
                    break;
                }
                if (rtxNext.distanceFrom(sndUna) >= cwnd) break;
                int used = sendAt(nowUs, rtxNext, sndNxt, Transmission.RETRANSMISSION);
                if (used == 0) {
                    goBackN = false; // nothing left to resend at this point (defensive: never spin)
                    break;
                }
                rtxNext = rtxNext.plus(used);
            }
        }
        swsHeld = false;
        if (!goBackN) sendNewData(nowUs);
        swsOverride = false;
        settleTimers(nowUs);
    }

    /**
     * New data and the FIN, as far as the windows allow and sender silly window avoidance (RFC 9293
     * §3.8.6.2.1, MUST-38) permits. With D the data queued and not sent, U the usable window
     * (SND.UNA + SND.WND - SND.NXT), send "(1) if a maximum-sized segment can be sent, i.e., if:
     * min(D,U) >= Eff.snd.MSS; (2) or if the data is pushed and all queued data can be sent now, i.e.,
     * if: [SND.NXT = SND.UNA and] PUSHed and D <= U (the bracketed condition is imposed by the Nagle
     * algorithm); (3) or if at least a fraction Fs of the maximum window can be sent, i.e., if:
     * [SND.NXT = SND.UNA and] min(D,U) >= Fs * Max(SND.WND); (4) or if the override timeout occurs",
     * with Fs = 1/2. Every SEND pushes. A segment held back by congestion control alone waits for
     * the ACKs of what is in flight.
     */
    private void sendNewData(long nowUs) {
        int cap = payloadCap();
        while (true) {
            long unsent = sndNxt.lessThan(dataEnd()) ? dataEnd().distanceFrom(sndNxt) : 0;
            boolean finPending = finQueued && !finSent();
            if (unsent == 0 && !finPending) return;
            long usable = sndUna.plus(sndWnd).lessThan(sndNxt)
                    ? 0
                    : sndUna.plus(sndWnd).distanceFrom(sndNxt);
            long cwndRoom = Math.max(0, cwnd - sndNxt.distanceFrom(sndUna));
            long len = Math.min(Math.min(unsent, cap), Math.min(usable, cwndRoom));
            boolean fin = finPending && len == unsent;
            if (len == 0 && !fin) return;
            if (len < cap && !fin) {
                boolean outstanding = sndNxt.greaterThan(sndUna);
                boolean nagleHolds = t.cfg.nagle() && outstanding;
                if (len == unsent) {
                    if (nagleHolds) return; // (2), with Nagle (RFC 896, RFC 9293 §3.7.4)
                } else if (len < usable) {
                    return; // congestion control, not the offered window, limits it: ACKs will come
                } else if (!swsOverride && (len < maxSndWnd / 2 || nagleHolds)) {
                    // Neither (1), (2) nor (3): a runt the offered window would make. Without data in
                    // flight no ACK will come to reopen it, so the override timer (4) will force it.
                    swsHeld = !outstanding;
                    return;
                }
            }
            SeqNum start = sndNxt;
            int used = sendAt(nowUs, start, start.plus(len + (fin ? 1 : 0)), Transmission.FIRST);
            if (used == 0) return; // defensive: never spin
            sndNxt = start.plus(used);
            if (rttSeq == null && !t.options.timestamps()) {
                rttSeq = sndNxt;
                rttStartUs = nowUs;
            }
            if (fin) return;
        }
    }

    /**
     * Emits one segment starting at {@code seq}, at most {@code limit - seq} of sequence space and one
     * payload cap; carries the FIN if it reaches it. Returns the sequence space used.
     */
    private int sendAt(long nowUs, SeqNum seq, SeqNum limit, Transmission kind) {
        SeqNum end = dataEnd();
        int len = 0;
        if (seq.lessThan(end)) {
            len = (int) Math.min(Math.min(end.distanceFrom(seq), payloadCap()), limit.distanceFrom(seq));
            // Never retransmit across a SACKed block: stop where it begins.
            SeqNum sackedAt = scoreboard == null ? null : scoreboard.nextSackedAfter(seq);
            if (sackedAt != null && sackedAt.lessThan(seq.plus(len))) len = (int) sackedAt.distanceFrom(seq);
        }
        boolean fin = finQueued && seq.plus(len).equals(finSeq()) && limit.greaterThan(finSeq());
        if (len == 0 && !fin) return 0;
        TcpSegment.Builder b = t.segment(nowUs, seq, true, len > 0);
        if (len > 0) {
            b.payload(buf.copy(seq.distanceFrom(bufSeq), len));
        }
        if (fin && len > 0 && seq.plus(len).equals(end)) {
            b.flags(TcpFlag.PSH, TcpFlag.FIN);
        } else if (fin) {
            b.flags(TcpFlag.FIN);
        } else if (len > 0 && seq.plus(len).equals(end)) {
            b.flags(TcpFlag.PSH);
        }
        t.emit(nowUs, b.build(), kind);
        return len + (fin ? 1 : 0);
    }

    /**
     * RFC 6298 §5.1/§5.2 for the retransmission timer, RFC 9293 §3.8.6.1 for the persist timer and
     * §3.8.6.2.1 for the silly window avoidance override timer.
     */
    private void settleTimers(long nowUs) {
        if (swsHeld) {
            if (!t.timers.armed(TimerKind.SWS_OVERRIDE)) {
                t.armTimer(nowUs, TimerKind.SWS_OVERRIDE, nowUs + SWS_OVERRIDE_US);
            }
        } else {
            t.cancelTimer(nowUs, TimerKind.SWS_OVERRIDE);
        }
        boolean outstanding = sndNxt.greaterThan(sndUna);
        boolean unsent = dataEnd().greaterThan(sndNxt) || (finQueued && !finSent());
        if (sndWnd == 0 && (unsent || outstanding) && t.state != TcpState.TIME_WAIT) {
            // Zero window: probe with the persist timer instead of retransmitting.
            t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
            if (!t.timers.armed(TimerKind.PERSIST)) {
                long interval = Math.min(rto.rtoUs() << Math.min(persistBackoff, 16), t.cfg.maxRtoUs());
                t.armTimer(nowUs, TimerKind.PERSIST, nowUs + interval);
            }
            return;
        }
        t.cancelTimer(nowUs, TimerKind.PERSIST);
        if (!outstanding) {
            t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
        } else if (!t.timers.armed(TimerKind.RETRANSMISSION)) {
            // §5.1: "Every time a packet containing data is sent ... if the timer is not running, start it".
            t.armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + rto.rtoUs());
        }
    }

    // ---- SACK scoreboard (RFC 2018 §5: the sender keeps the SACK information)

    private void updateScoreboard(TcpSegment seg) {
        TcpOption.Sack sack = seg.option(TcpOption.Sack.class).orElse(null);
        if (sack == null) return;
        for (TcpOption.SackBlock b : sack.blocks()) {
            SeqNum l = b.left();
            SeqNum r = b.right();
            // Ignore blocks that are nonsense or below SND.UNA (D-SACK, RFC 2883) or beyond SND.NXT.
            if (!l.lessThan(r) || !sndUna.lessOrEqual(l) || r.greaterThan(sndNxt)) continue;
            if (scoreboard == null) scoreboard = new SackScoreboard();
            scoreboard.add(new SackRange(l, r));
        }
    }

    private SeqNum skipSacked(SeqNum seq) {
        return scoreboard == null ? seq : scoreboard.skipSacked(seq);
    }

    private void congestion(long nowUs, String cause) {
        lastReportedCwnd = cwnd;
        t.owner.events().emit(new LabEvent.CongestionChanged(nowUs, t.id, t.owner.hostName(), cwnd, ssthresh, cause));
    }
}
