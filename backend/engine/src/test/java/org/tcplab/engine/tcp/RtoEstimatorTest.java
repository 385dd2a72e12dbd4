package org.tcplab.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 6298 §2 and §5, one clause per test. */
class RtoEstimatorTest {

    private final RtoEstimator rto = new RtoEstimator(1_000_000, 200_000, 60_000_000);

    @Test
    void initialRtoIsOneSecond() { // §2.1
        assertThat(rto.rtoUs()).isEqualTo(1_000_000);
        assertThat(rto.srttUs()).isEqualTo(-1);
    }

    @Test
    void firstSampleSetsSrttAndHalfVariance() { // §2.2
        rto.sample(100_000);
        assertThat(rto.srttUs()).isEqualTo(100_000);
        assertThat(rto.rttvarUs()).isEqualTo(50_000);
        assertThat(rto.rtoUs()).isEqualTo(300_000); // 100 + 4 * 50 ms
    }

    @Test
    void laterSamplesSmoothWithAlphaAndBeta() { // §2.3
        rto.sample(100_000);
        rto.sample(200_000);
        assertThat(rto.rttvarUs()).isEqualTo((3 * 50_000 + 100_000) / 4);
        assertThat(rto.srttUs()).isEqualTo((7 * 100_000 + 200_000) / 8);
        assertThat(rto.rtoUs()).isEqualTo(112_500 + 4 * 62_500);
    }

    @Test
    void roundsUpToTheMinimum() { // §2.4
        rto.sample(1_000);
        assertThat(rto.rtoUs()).isEqualTo(200_000);
    }

    @Test
    void clockGranularityBoundsTheVarianceTerm() { // §2.2: max(G, K*RTTVAR)
        RtoEstimator r = new RtoEstimator(1_000_000, 0, 60_000_000);
        r.sample(0);
        assertThat(r.rtoUs()).isEqualTo(RtoEstimator.G_US);
    }

    @Test
    void backoffDoublesUpToTheMaximum() { // §5.5 and §2.5
        for (int i = 0; i < 10; i++) rto.backOff();
        assertThat(rto.rtoUs()).isEqualTo(60_000_000);
        assertThat(rto.backoffs()).isEqualTo(10);
    }

    @Test
    void aNewSampleEndsTheBackoff() {
        rto.backOff();
        rto.backOff();
        rto.sample(100_000);
        assertThat(rto.rtoUs()).isEqualTo(300_000);
        assertThat(rto.backoffs()).isZero();
    }

    @Test
    void handshakeLossResetsToThreeSecondsWithoutASample() { // §5.7
        rto.backOff();
        rto.handshakeLossReset();
        assertThat(rto.rtoUs()).isEqualTo(3_000_000);
    }

    @Test
    void handshakeLossResetKeepsAMeasuredRto() {
        rto.sample(100_000);
        rto.handshakeLossReset();
        assertThat(rto.rtoUs()).isEqualTo(300_000);
    }
}
