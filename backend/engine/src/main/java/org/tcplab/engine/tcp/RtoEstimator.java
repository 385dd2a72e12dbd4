package org.tcplab.engine.tcp;

/**
 * The retransmission timeout, computed as RFC 6298 says, clause by clause. Times in microseconds.
 *
 * <p>Choices the RFC leaves open: the clock granularity G is 1 ms (our timestamp clock ticks in
 * milliseconds); §5.7 (re-initialise RTO to 3 s when data transmission starts after a SYN or SYN,ACK
 * was lost and no RTT sample exists) is applied, see {@link #handshakeLossReset()}.
 */
public final class RtoEstimator {

    /** RFC 6298 §2: K = 4. */
    static final int K = 4;
    /** RFC 6298 §2: G, the clock granularity. */
    static final long G_US = 1_000;
    /** RFC 6298 §5.7: "the RTO MUST be re-initialized to 3 seconds". */
    static final long HANDSHAKE_LOSS_RTO_US = 3_000_000;

    private final long minRtoUs;
    private final long maxRtoUs;
    /** SRTT, or -1 before the first measurement. */
    private long srttUs = -1;

    private long rttvarUs;
    /** The RTO the last measurement gave (no backoff). */
    private long baseRtoUs;
    /** The RTO in force: baseRtoUs doubled once per backoff, capped. */
    private long rtoUs;

    private int backoffs;

    /** RFC 6298 §2.1: "Until a round-trip time (RTT) measurement has been made ... set RTO <- 1 second". */
    public RtoEstimator(long initialRtoUs, long minRtoUs, long maxRtoUs) {
        this.minRtoUs = minRtoUs;
        this.maxRtoUs = maxRtoUs;
        this.baseRtoUs = initialRtoUs;
        this.rtoUs = initialRtoUs;
    }

    /**
     * A round-trip measurement R. The caller applies Karn's rule (RFC 6298 §3: no samples from
     * retransmitted segments unless timestamps disambiguate them, RFC 7323 §4).
     */
    public void sample(long rUs) {
        long r = Math.max(rUs, 0);
        if (srttUs < 0) {
            // §2.2: SRTT <- R, RTTVAR <- R/2, RTO <- SRTT + max (G, K*RTTVAR)
            srttUs = r;
            rttvarUs = r / 2;
        } else {
            // §2.3: RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'| (beta 1/4), then
            //       SRTT <- (1 - alpha) * SRTT + alpha * R' (alpha 1/8); RTTVAR first, with the old SRTT.
            rttvarUs = (3 * rttvarUs + Math.abs(srttUs - r)) / 4;
            srttUs = (7 * srttUs + r) / 8;
        }
        baseRtoUs = clamp(srttUs + Math.max(G_US, K * rttvarUs));
        // §5.7's last note: a new sample after backing off recomputes RTO from scratch.
        rtoUs = baseRtoUs;
        backoffs = 0;
    }

    /** §2.4: below 1 s round up to 1 s (configurable); §2.5: a maximum of at least 60 s. */
    private long clamp(long rto) {
        return Math.min(Math.max(rto, minRtoUs), maxRtoUs);
    }

    /** §5.5: "The host MUST set RTO <- RTO * 2 ("back off the timer")", with §2.5's maximum. */
    public void backOff() {
        rtoUs = Math.min(rtoUs * 2, maxRtoUs);
        backoffs++;
    }

    /**
     * §5.7: if the SYN (or SYN,ACK) timer expired and no RTT sample exists when the handshake
     * completes, RTO becomes 3 s for the data phase. Linux does not do this; we follow the RFC.
     */
    public void handshakeLossReset() {
        if (srttUs < 0) {
            baseRtoUs = Math.min(Math.max(HANDSHAKE_LOSS_RTO_US, minRtoUs), maxRtoUs);
            rtoUs = baseRtoUs;
            backoffs = 0;
        }
    }

    public long rtoUs() {
        return rtoUs;
    }

    /** SRTT, or -1 when there has been no measurement. */
    public long srttUs() {
        return srttUs;
    }

    public long rttvarUs() {
        return rttvarUs;
    }

    public int backoffs() {
        return backoffs;
    }
}
