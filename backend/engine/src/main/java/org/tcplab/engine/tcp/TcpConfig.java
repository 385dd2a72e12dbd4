package org.tcplab.engine.tcp;

/**
 * One host's TCP settings. Defaults follow the RFCs, with Linux's retry counts where the RFC
 * leaves it open. Times in microseconds.
 *
 * @param mss the MSS we announce and our largest segment (RFC 9293 §3.7.1); 1460 for a 1500 MTU
 * @param window our receive buffer in bytes (RCV.WND when empty); above 65535 needs window scaling
 * @param windowScale our shift count offered in the SYN (RFC 7323 §2.2), used only if both offer it
 * @param sack offer/accept SACK (RFC 2018)
 * @param timestamps offer/accept timestamps (RFC 7323 §3), used for RTTM
 * @param initialRtoUs RFC 6298 §2.1: 1 s
 * @param minRtoUs RFC 6298 §2.4: 1 s (Linux uses 200 ms)
 * @param maxRtoUs RFC 6298 §2.5: at least 60 s
 * @param synRetries SYN retransmissions before giving up (Linux tcp_syn_retries = 6)
 * @param synAckRetries SYN-ACK retransmissions (Linux tcp_synack_retries = 5)
 * @param dataRetries data retransmissions before the connection times out (Linux tcp_retries2 = 15)
 * @param mslUs maximum segment lifetime; TIME_WAIT lasts 2 x MSL (RFC 9293 §3.4.2: 2 minutes)
 * @param delayedAck RFC 9293 §3.8.6.3 / RFC 1122 4.2.3.2: ack every second full segment or after delayedAckUs
 * @param delayedAckUs the delayed-ACK timeout (RFC 1122: under 500 ms; Linux 40 ms)
 * @param nagle RFC 9293 §3.7.4 / RFC 896
 * @param backlog default listen backlog
 * @param twoWayHandshake the teaching variant: consider a passive connection ESTABLISHED on SYN
 * @param invalidAckIntervalUs the least time between two ACKs one connection sends in answer to
 *     unacceptable segments or as RFC 5961 challenge ACKs (RFC 5961 §7 ACK throttling; Linux
 *     {@code tcp_invalid_ratelimit}, 500 ms per socket); 0 turns the limit off. Segments that carry
 *     data or a FIN (without SYN) are always answered, as in Linux: they are not part of an ACK loop
 * @param challengeAckLimit challenge ACKs one host sends per second, all connections together
 *     (Linux {@code tcp_challenge_ack_limit}: unlimited since Linux 6.0, whose per-socket limit
 *     above is enough; the older host-wide counter was a side channel, CVE-2016-5696)
 * @param fourWayHandshake the teaching variant "why not four": the passive side acknowledges the SYN
 *     with a bare ACK and sends its own SYN separately, which the active side acknowledges (SYN; ACK;
 *     SYN; ACK), instead of merging the middle two into one SYN,ACK (RFC 9293 §3.5)
 */
public record TcpConfig(
        int mss,
        int window,
        int windowScale,
        boolean sack,
        boolean timestamps,
        long initialRtoUs,
        long minRtoUs,
        long maxRtoUs,
        int synRetries,
        int synAckRetries,
        int dataRetries,
        long mslUs,
        boolean delayedAck,
        long delayedAckUs,
        boolean nagle,
        int backlog,
        boolean twoWayHandshake,
        long invalidAckIntervalUs,
        int challengeAckLimit,
        boolean fourWayHandshake) {

    public static TcpConfig defaults() {
        return new TcpConfig(
                1460,
                65535,
                7,
                true,
                true,
                1_000_000,
                1_000_000,
                60_000_000,
                6,
                5,
                15,
                120_000_000,
                true,
                40_000,
                true,
                128,
                false,
                500_000,
                Integer.MAX_VALUE,
                false);
    }

    public TcpConfig withMss(int v) {
        return with(c -> c.mss = v);
    }

    public TcpConfig withWindow(int v) {
        return with(c -> c.window = v);
    }

    public TcpConfig withWindowScale(int v) {
        return with(c -> c.windowScale = v);
    }

    public TcpConfig withSack(boolean v) {
        return with(c -> c.sack = v);
    }

    public TcpConfig withTimestamps(boolean v) {
        return with(c -> c.timestamps = v);
    }

    public TcpConfig withInitialRtoUs(long v) {
        return with(c -> c.initialRtoUs = v);
    }

    public TcpConfig withMinRtoUs(long v) {
        return with(c -> c.minRtoUs = v);
    }

    public TcpConfig withSynRetries(int v) {
        return with(c -> c.synRetries = v);
    }

    public TcpConfig withSynAckRetries(int v) {
        return with(c -> c.synAckRetries = v);
    }

    public TcpConfig withMslUs(long v) {
        return with(c -> c.mslUs = v);
    }

    public TcpConfig withDelayedAck(boolean v) {
        return with(c -> c.delayedAck = v);
    }

    public TcpConfig withNagle(boolean v) {
        return with(c -> c.nagle = v);
    }

    public TcpConfig withTwoWayHandshake(boolean v) {
        return with(c -> c.twoWayHandshake = v);
    }

    public TcpConfig withFourWayHandshake(boolean v) {
        return with(c -> c.fourWayHandshake = v);
    }

    public TcpConfig withDataRetries(int v) {
        return with(c -> c.dataRetries = v);
    }

    public TcpConfig withMaxRtoUs(long v) {
        return with(c -> c.maxRtoUs = v);
    }

    public TcpConfig withDelayedAckUs(long v) {
        return with(c -> c.delayedAckUs = v);
    }

    public TcpConfig withBacklog(int v) {
        return with(c -> c.backlog = v);
    }

    public TcpConfig withInvalidAckIntervalUs(long v) {
        return with(c -> c.invalidAckIntervalUs = v);
    }

    public TcpConfig withChallengeAckLimit(int v) {
        return with(c -> c.challengeAckLimit = v);
    }

    /** A copy with one change: each wither names only its own field, so none can shift another. */
    private TcpConfig with(java.util.function.Consumer<Mutable> change) {
        Mutable m = new Mutable(this);
        change.accept(m);
        return m.freeze();
    }

    private static final class Mutable {
        int mss;
        int window;
        int windowScale;
        boolean sack;
        boolean timestamps;
        long initialRtoUs;
        long minRtoUs;
        long maxRtoUs;
        int synRetries;
        int synAckRetries;
        int dataRetries;
        long mslUs;
        boolean delayedAck;
        long delayedAckUs;
        boolean nagle;
        int backlog;
        boolean twoWayHandshake;
        long invalidAckIntervalUs;
        int challengeAckLimit;
        boolean fourWayHandshake;

        Mutable(TcpConfig c) {
            mss = c.mss;
            window = c.window;
            windowScale = c.windowScale;
            sack = c.sack;
            timestamps = c.timestamps;
            initialRtoUs = c.initialRtoUs;
            minRtoUs = c.minRtoUs;
            maxRtoUs = c.maxRtoUs;
            synRetries = c.synRetries;
            synAckRetries = c.synAckRetries;
            dataRetries = c.dataRetries;
            mslUs = c.mslUs;
            delayedAck = c.delayedAck;
            delayedAckUs = c.delayedAckUs;
            nagle = c.nagle;
            backlog = c.backlog;
            twoWayHandshake = c.twoWayHandshake;
            invalidAckIntervalUs = c.invalidAckIntervalUs;
            challengeAckLimit = c.challengeAckLimit;
            fourWayHandshake = c.fourWayHandshake;
        }

        TcpConfig freeze() {
            return new TcpConfig(
                    mss,
                    window,
                    windowScale,
                    sack,
                    timestamps,
                    initialRtoUs,
                    minRtoUs,
                    maxRtoUs,
                    synRetries,
                    synAckRetries,
                    dataRetries,
                    mslUs,
                    delayedAck,
                    delayedAckUs,
                    nagle,
                    backlog,
                    twoWayHandshake,
                    invalidAckIntervalUs,
                    challengeAckLimit,
                    fourWayHandshake);
        }
    }
}
