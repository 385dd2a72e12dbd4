package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * The sending half of a connection (gVisor's snd.go): the send buffer, what the windows allow
 * (RFC 9293 §3.8.6), retransmission (RFC 6298), congestion control (RFC 5681 with RFC 6582
 * NewReno), the SACK scoreboard (RFC 2018 / RFC 6675's idea of skipping SACKed data), Nagle
 * (RFC 896) and the persist timer (RFC 9293 §3.8.6.1).
 */
final class Sender {

    /** RFC 5681 §3.1: ssthresh "MAY be arbitrarily high (for example, to the size of the largest possible advertised window)". */
    static final long INITIAL_SSTHRESH = 1L << 30;

    private final Tcb t;
    final RtoEstimator rto;

    /** Bytes the application gave us that are not yet acknowledged; allocated on first use. */
    private ByteQueue buf;
    /** Sequence number of the first byte in {@link #buf}. */
    private SeqNum bufSeq;
    /** CLOSE was called: a FIN follows the last byte of {@link #buf}. */
    boolean finQueued;

    // ---- RFC 5681 / RFC 6582
    long cwnd;
    long ssthresh = INITIAL_SSTHRESH;
    int dupAcks;
    boolean inRecovery;
    /** RFC 6582 "recover": the highest sequence number sent when fast recovery began. */
    private SeqNum recover;
    /** After a timeout: retransmit everything from {@link #rtxNext} up to SND.NXT (go-back-N), skipping SACKed data. */
    private boolean goBackN;

    private SeqNum rtxNext;
    private long lastReportedCwnd = -1;
    private SeqNum roundEnd;

    /** MAX.SND.WND (RFC 5961 §5): the largest window the peer has offered. */
    long maxSndWnd;
    /** RTT timing without timestamps: the segment being timed ends at {@link #rttSeq}. */
    private SeqNum rttSeq;

    private long rttStartUs;
    private int persistBackoff;
    /** SACKed ranges above SND.UNA, sorted, disjoint (pairs of left, right); allocated on first use. */
    private List<SeqNum[]> scoreboard;

    /** Application bytes acknowledged by the peer. */
    long bytesAcked;

    Sender(Tcb t) {
        this.t = t;
        this.rto = new RtoEstimator(t.cfg.initialRtoUs(), t.cfg.minRtoUs(), t.cfg.maxRtoUs());
        this.bufSeq = t.iss.plus(1);
        this.recover = t.iss;
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
        return finQueued && t.sndNxt.greaterThan(finSeq());
    }

    boolean finAcked() {
        return finQueued && t.sndUna.greaterThan(finSeq());
    }

    /** The largest payload one segment may carry: the effective MSS less the options every segment carries (RFC 9293 §3.7.1). */
    int payloadCap() {
        return Math.max(1, t.effMss - (t.tsOk ? 12 : 0));
    }

    void release() {
        buf = null;
        scoreboard = null;
    }

    // ---- handshake

    /** Times the SYN (or SYN,ACK) unless it is a retransmission (Karn's rule, RFC 6298 §3). */
    void timeSyn(long nowUs, boolean retransmission) {
        if (retransmission) {
            rttSeq = null;
        } else {
            rttSeq = t.iss.plus(1);
            rttStartUs = nowUs;
        }
    }

    /** The ACK of our SYN arrived: one RTT sample (RFC 7323 §4 with timestamps, else Karn-timed). */
    void ackOfSyn(long nowUs, TcpSegment seg) {
        TcpOption.Timestamps ts =
                t.tsOk ? seg.option(TcpOption.Timestamps.class).orElse(null) : null;
        if (ts != null && ts.tsEcr() != 0) {
            rto.sample((long) (Tcb.tsClock(nowUs) - ts.tsEcr()) * 1000);
        } else if (rttSeq != null) {
            rto.sample(nowUs - rttStartUs);
        }
        rttSeq = null;
    }

    /** Entering ESTABLISHED: RFC 5681 §3.1's initial window; RFC 6298 §5.7 after a lost SYN. */
    void connectionEstablished(long nowUs) {
        t.retries = 0;
        if (t.handshakeRetransmitted) rto.handshakeLossReset();
        int smss = payloadCap();
        // RFC 5681 §3.1: IW = 2, 3 or 4 segments depending on SMSS.
        int segments = smss > 2190 ? 2 : smss > 1095 ? 3 : 4;
        cwnd = (long) segments * smss;
        roundEnd = t.sndNxt;
        congestion(nowUs, "initial window (RFC 5681 §3.1)");
    }

    void noteWindow() {
        maxSndWnd = Math.max(maxSndWnd, t.sndWnd);
    }

    // ---- ACK processing (RFC 9293 §3.10.7.4 fifth step, ESTABLISHED)

    void onAck(long nowUs, Tcb.Incoming in) {
        SeqNum ack = in.ackNo;
        long scaledWnd = (long) in.window << t.sndShift;
        if (t.sackOk) updateScoreboard(in.raw);
        boolean dup = ack.equals(t.sndUna)
                && in.len == 0
                && !in.syn
                && !in.fin
                && t.sndNxt.greaterThan(t.sndUna)
                && scaledWnd == t.sndWnd
                && t.sndWnd != 0; // answers to window probes are not a sign of loss
        if (ack.greaterThan(t.sndUna)) {
            newDataAcked(nowUs, in, ack);
        } else if (dup) {
            duplicateAck(nowUs);
        }
        // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated. If (SND.WL1 < SEG.SEQ
        // or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, SND.WL1 <- SEG.SEQ, and SND.WL2 <-
        // SEG.ACK."
        if (t.sndUna.lessOrEqual(ack)
                && (t.sndWl1.lessThan(in.seq) || (t.sndWl1.equals(in.seq) && t.sndWl2.lessOrEqual(ack)))) {
            long old = t.sndWnd;
            t.sndWnd = scaledWnd;
            t.sndWl1 = in.seq;
            t.sndWl2 = ack;
            noteWindow();
            if (old == 0 && scaledWnd > 0 && t.timers.armed(TimerKind.PERSIST)) {
                // The window reopened: stop probing and resend from SND.UNA what the closed window refused.
                t.cancelTimer(nowUs, TimerKind.PERSIST);
                persistBackoff = 0;
                if (t.sndNxt.greaterThan(t.sndUna)) {
                    goBackN = true;
                    rtxNext = t.sndUna;
                }
            }
        }
    }

    private void newDataAcked(long nowUs, Tcb.Incoming in, SeqNum ack) {
        long acked = ack.distanceFrom(t.sndUna);
        // RTT measurement: RFC 7323 §4.1 (timestamps, any ACK that advances SND.UNA) or one timed segment (RFC 6298 §3,
        // Karn).
        if (t.tsOk && in.ts != null && in.ts.tsEcr() != 0) {
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
        t.sndUna = ack;
        if (goBackN && rtxNext.lessThan(ack)) rtxNext = ack;
        pruneScoreboard();
        t.retries = 0;
        persistBackoff = 0;
        congestionOnNewAck(nowUs, ack, acked);
        // RFC 6298 §5.2: "When all outstanding data has been acknowledged, turn off the retransmission timer."
        // §5.3: "When an ACK is received that acknowledges new data, restart the retransmission timer".
        if (t.sndUna.equals(t.sndNxt)) {
            t.cancelTimer(nowUs, TimerKind.RETRANSMISSION);
        } else {
            t.armTimer(nowUs, TimerKind.RETRANSMISSION, nowUs + rto.rtoUs());
        }
    }

    private void congestionOnNewAck(long nowUs, SeqNum ack, long acked) {
        int smss = payloadCap();
        if (inRecovery) {
            if (ack.greaterThan(recover) || ack.equals(recover)) {
                // RFC 6582 §3.2 step 3, full acknowledgment: "Set cwnd to either (1) min (ssthresh,
                // max(FlightSize, SMSS) + SMSS) or (2) ssthresh"; we take (1).
                long flight = t.sndNxt.distanceFrom(t.sndUna);
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
            roundEnd = t.sndNxt;
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
        if (t.sndUna.lessThan(recover)) return;
        long flight = t.sndNxt.distanceFrom(t.sndUna);
        ssthresh = Math.max(flight / 2, 2L * smss); // RFC 5681 equation (4)
        recover = t.sndNxt;
        inRecovery = true;
        retransmitFirstHole(nowUs);
        cwnd = ssthresh + 3L * smss;
        congestion(nowUs, "3 duplicate ACKs: fast retransmit");
    }

    /** Retransmits one segment at the first un-SACKed sequence number at or after SND.UNA. */
    private void retransmitFirstHole(long nowUs) {
        SeqNum seq = skipSacked(t.sndUna);
        if (!seq.lessThan(t.sndNxt)) return;
        rttSeq = null; // Karn
        sendAt(nowUs, seq, t.sndNxt, true);
    }

    /** RFC 6298 §5.4 to §5.6 for data, plus RFC 5681 §3.1's loss response (equation 4, LW = 1 SMSS). */
    void retransmissionTimeout(long nowUs) {
        int smss = payloadCap();
        long flight = t.sndNxt.distanceFrom(t.sndUna);
        ssthresh = Math.max(flight / 2, 2L * smss);
        cwnd = smss;
        inRecovery = false;
        dupAcks = 0;
        recover = t.sndNxt; // RFC 6582 §4
        rttSeq = null;
        goBackN = true;
        rtxNext = t.sndUna;
        congestion(nowUs, "retransmission timeout");
    }

    /**
     * The persist timer fired: send a one-byte window probe (RFC 9293 §3.8.6.1) and back off. The
     * probe is marked as a probe, not a retransmission, even when its byte was sent before the
     * window closed.
     */
    void persistTimeout(long nowUs) {
        persistBackoff = Math.min(persistBackoff + 1, 16);
        if (t.sndNxt.greaterThan(t.sndUna)) {
            sendAt(nowUs, t.sndUna, t.sndUna.plus(1), false, true);
        } else if (dataEnd().greaterThan(t.sndNxt) || (finQueued && !finSent())) {
            SeqNum start = t.sndNxt;
            t.sndNxt = start.plus(sendAt(nowUs, start, start.plus(1), false, true));
        }
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
                if (!rtxNext.lessThan(t.sndNxt)) {
                    goBackN = false;
                    break;
                }
                if (rtxNext.distanceFrom(t.sndUna) >= cwnd) break;
                int used = sendAt(nowUs, rtxNext, t.sndNxt, true);
                if (used == 0) {
                    goBackN = false; // nothing left to resend at this point (defensive: never spin)
                    break;
                }
                rtxNext = rtxNext.plus(used);
            }
        }
        if (!goBackN) sendNewData(nowUs);
        settleTimers(nowUs);
    }

    private void sendNewData(long nowUs) {
        int cap = payloadCap();
        while (true) {
            long unsent = t.sndNxt.lessThan(dataEnd()) ? dataEnd().distanceFrom(t.sndNxt) : 0;
            boolean finPending = finQueued && !finSent();
            if (unsent == 0 && !finPending) return;
            long wndRoom = t.sndUna.plus(t.sndWnd).lessThan(t.sndNxt)
                    ? 0
                    : t.sndUna.plus(t.sndWnd).distanceFrom(t.sndNxt);
            long cwndRoom = Math.max(0, cwnd - t.sndNxt.distanceFrom(t.sndUna));
            long len = Math.min(Math.min(unsent, cap), Math.min(wndRoom, cwndRoom));
            boolean fin = finPending && len == unsent;
            if (len == 0 && !fin) return;
            if (len < cap && !fin) {
                boolean outstanding = t.sndNxt.greaterThan(t.sndUna);
                if (len < unsent) {
                    // Sender silly window avoidance (RFC 9293 §3.8.6.2.1): a window-limited runt goes
                    // only if it is at least half the largest window seen, or nothing is in flight.
                    if (outstanding && len < maxSndWnd / 2) return;
                } else if (t.cfg.nagle() && outstanding) {
                    // Nagle (RFC 896, RFC 9293 §3.7.4): hold a small segment while data is unacknowledged.
                    return;
                }
            }
            SeqNum start = t.sndNxt;
            int used = sendAt(nowUs, start, start.plus(len + (fin ? 1 : 0)), false);
            if (used == 0) return; // defensive: never spin
            t.sndNxt = start.plus(used);
            if (rttSeq == null && !t.tsOk) {
                rttSeq = t.sndNxt;
                rttStartUs = nowUs;
            }
            if (fin) return;
        }
    }

    /**
     * Emits one segment starting at {@code seq}, at most {@code limit - seq} of sequence space and one
     * payload cap; carries the FIN if it reaches it. Returns the sequence space used.
     */
    private int sendAt(long nowUs, SeqNum seq, SeqNum limit, boolean retransmission) {
        return sendAt(nowUs, seq, limit, retransmission, false);
    }

    private int sendAt(long nowUs, SeqNum seq, SeqNum limit, boolean retransmission, boolean probe) {
        SeqNum end = dataEnd();
        int len = 0;
        if (seq.lessThan(end)) {
            len = (int) Math.min(Math.min(end.distanceFrom(seq), payloadCap()), limit.distanceFrom(seq));
            // Never retransmit across a SACKed block: stop where it begins.
            SeqNum sackedAt = nextSackedAfter(seq);
            if (sackedAt != null && sackedAt.lessThan(seq.plus(len))) len = (int) sackedAt.distanceFrom(seq);
        }
        boolean fin = finQueued && seq.plus(len).equals(finSeq()) && limit.greaterThan(finSeq());
        if (len == 0 && !fin) return 0;
        TcpSegment.Builder b = t.segment(seq, true);
        if (len > 0) {
            b.payload(buf.copy(seq.distanceFrom(bufSeq), len));
        }
        if (fin) {
            b.flags(TcpFlag.FIN);
        } else if (len > 0 && seq.plus(len).equals(end)) {
            b.flags(TcpFlag.PSH);
        }
        if (fin && len > 0 && seq.plus(len).equals(end)) b.flags(TcpFlag.PSH, TcpFlag.FIN);
        t.emit(nowUs, b.build(), retransmission, probe);
        return len + (fin ? 1 : 0);
    }

    /** RFC 6298 §5.1/§5.2 for the retransmission timer and RFC 9293 §3.8.6.1 for the persist timer. */
    private void settleTimers(long nowUs) {
        boolean outstanding = t.sndNxt.greaterThan(t.sndUna);
        boolean unsent = dataEnd().greaterThan(t.sndNxt) || (finQueued && !finSent());
        if (t.sndWnd == 0 && (unsent || outstanding) && t.state != TcpState.TIME_WAIT) {
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
            if (!l.lessThan(r) || !t.sndUna.lessOrEqual(l) || r.greaterThan(t.sndNxt)) continue;
            addSacked(l, r);
        }
    }

    private void addSacked(SeqNum l, SeqNum r) {
        if (scoreboard == null) scoreboard = new ArrayList<>(4);
        List<SeqNum[]> merged = new ArrayList<>(scoreboard.size() + 1);
        SeqNum nl = l;
        SeqNum nr = r;
        int insertAt = -1;
        for (SeqNum[] b : scoreboard) {
            if (b[1].lessThan(nl)) {
                merged.add(b);
            } else if (nr.lessThan(b[0])) {
                if (insertAt < 0) {
                    insertAt = merged.size();
                    merged.add(new SeqNum[] {nl, nr});
                }
                merged.add(b);
            } else {
                nl = SeqNum.min(nl, b[0]);
                nr = SeqNum.max(nr, b[1]);
            }
        }
        if (insertAt < 0) merged.add(new SeqNum[] {nl, nr});
        scoreboard = merged;
    }

    private void pruneScoreboard() {
        if (scoreboard == null) return;
        scoreboard.removeIf(b -> b[1].lessOrEqual(t.sndUna));
        for (SeqNum[] b : scoreboard) {
            if (b[0].lessThan(t.sndUna)) b[0] = t.sndUna;
        }
        if (scoreboard.isEmpty()) scoreboard = null;
    }

    /** The first sequence number at or after {@code seq} that is not SACKed. */
    SeqNum skipSacked(SeqNum seq) {
        if (scoreboard == null) return seq;
        SeqNum s = seq;
        for (SeqNum[] b : scoreboard) {
            if (b[0].lessOrEqual(s) && s.lessThan(b[1])) s = b[1];
        }
        return s;
    }

    private SeqNum nextSackedAfter(SeqNum seq) {
        if (scoreboard == null) return null;
        for (SeqNum[] b : scoreboard) {
            if (b[0].greaterThan(seq)) return b[0];
        }
        return null;
    }

    /** SACKed bytes above SND.UNA (for tests and display). */
    long sackedBytes() {
        if (scoreboard == null) return 0;
        long n = 0;
        for (SeqNum[] b : scoreboard) n += b[1].distanceFrom(b[0]);
        return n;
    }

    private void congestion(long nowUs, String cause) {
        lastReportedCwnd = cwnd;
        t.owner.events().emit(new LabEvent.CongestionChanged(nowUs, t.id, t.owner.hostName(), cwnd, ssthresh, cause));
    }
}
