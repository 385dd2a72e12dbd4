package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.stack.HostHarness.peer;
import static org.tcplab.engine.wire.TcpFlag.FIN;
import static org.tcplab.engine.wire.TcpFlag.RST;
import static org.tcplab.engine.wire.TcpFlag.SYN;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.AckSuppression;
import org.tcplab.engine.tcp.TcpState;

/**
 * ACK throttling (RFC 5961 §7; Linux's per-socket {@code tcp_invalid_ratelimit} of 500 ms and its
 * host-wide {@code tcp_challenge_ack_limit}): the ACKs answering unacceptable segments and the
 * challenge ACKs, which two desynchronised ends would otherwise trade forever.
 */
class AckThrottlingTest {

    private static List<LabEvent.AckSuppressed> suppressed(HostHarness h) {
        return h.eventsOf(LabEvent.AckSuppressed.class);
    }

    @Nested
    class OutOfWindow {
        @Test
        void aSecondAckWithin500msIsSuppressedWithAReasonAndTheLimitRecovers() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            h.advanceTo(1_000_000);
            // A pure ACK below RCV.NXT (101): not acceptable, answered once ...
            h.peerSends(peer().seq(100).ack(301));
            h.expectSent("ACK", 301, 101);
            // ... and not again within 500 ms.
            h.peerSends(peer().seq(100).ack(301));
            h.expectNothingSent();
            h.advanceTo(1_499_999);
            h.peerSends(peer().seq(100).ack(301));
            h.expectNothingSent();
            assertThat(suppressed(h)).hasSize(2).allSatisfy(s -> {
                assertThat(s.reason()).isEqualTo(AckSuppression.OUT_OF_WINDOW_RATE_LIMIT);
                assertThat(s.host()).isEqualTo(org.tcplab.engine.event.HostName.SERVER);
                assertThat(s.connection()).isEqualTo("c1");
            });
            assertThat(suppressed(h).get(0).detail())
                    .isEqualTo("no ACK for an unacceptable segment (seq 100, RCV.NXT 101): one such ACK per 500 ms"
                            + " per connection (RFC 5961 §7, Linux tcp_invalid_ratelimit); the next may go at 1500 ms");
            // 500 ms after the last one sent, the next unacceptable segment is answered again.
            h.advanceTo(1_500_000);
            h.peerSends(peer().seq(100).ack(301));
            h.expectSent("ACK", 301, 101);
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void oldDataIsAlwaysAnsweredBecauseItsSenderWaitsForTheAck() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            // A retransmission of data already received (the peer lost our ACK): never throttled, as in Linux.
            h.peerSends(peer().seq(91).ack(301).payload(new byte[10]));
            h.expectSent("ACK", 301, 101);
            h.peerSends(peer().seq(91).ack(301).payload(new byte[10]));
            h.expectSent("ACK", 301, 101);
            assertThat(suppressed(h)).isEmpty();
        }

        @Test
        void aRetransmittedFinInTimeWaitIsAlwaysAnswered() {
            HostHarness h = new HostHarness(HostHarness.plain()).timeWait();
            h.peerSends(peer().seq(101).ack(302).flags(FIN));
            h.expectSent("ACK", 302, 102);
            h.peerSends(peer().seq(101).ack(302).flags(FIN));
            h.expectSent("ACK", 302, 102);
            assertThat(suppressed(h)).isEmpty();
        }

        @Test
        void anIntervalOfZeroTurnsTheLimitOff() {
            HostHarness h = new HostHarness(HostHarness.plain().withInvalidAckIntervalUs(0)).established();
            for (int i = 0; i < 3; i++) {
                h.peerSends(peer().seq(100).ack(301));
                h.expectSent("ACK", 301, 101);
            }
            assertThat(suppressed(h)).isEmpty();
        }
    }

    @Nested
    class ChallengeAcks {
        @Test
        void challengeAcksShareTheConnectionsInterval() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            h.peerSends(peer().seq(101).flags(SYN)); // RFC 5961 §4
            h.expectSent("ACK", 301, 101);
            h.peerSends(peer().seq(105).flags(RST)); // RFC 5961 §3.2, at the same instant: throttled
            h.expectNothingSent();
            h.peerSends(peer().seq(100).ack(301)); // an out-of-window ACK: the same interval
            h.expectNothingSent();
            assertThat(suppressed(h))
                    .extracting(LabEvent.AckSuppressed::reason)
                    .containsExactly(AckSuppression.CHALLENGE_ACK_RATE_LIMIT, AckSuppression.OUT_OF_WINDOW_RATE_LIMIT);
            assertThat(suppressed(h).get(0).detail()).startsWith("no challenge ACK (RST not at RCV.NXT): one such ACK");
            h.advanceTo(500_000);
            h.peerSends(peer().seq(105).flags(RST));
            h.expectSent("ACK", 301, 101);
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void theHostWideLimitCountsChallengeAcksPerSecond() {
            HostHarness h = new HostHarness(
                            HostHarness.plain().withInvalidAckIntervalUs(0).withChallengeAckLimit(2))
                    .established();
            h.advanceTo(3_000_000);
            h.peerSends(peer().seq(101).ack(9_000)); // RFC 5961 §5.2: ACK of unsent data
            h.expectSent("ACK", 301, 101);
            h.peerSends(peer().seq(101).ack(9_000));
            h.expectSent("ACK", 301, 101);
            h.peerSends(peer().seq(101).ack(9_000));
            h.expectNothingSent();
            assertThat(suppressed(h)).singleElement().satisfies(s -> {
                assertThat(s.reason()).isEqualTo(AckSuppression.CHALLENGE_ACK_RATE_LIMIT);
                assertThat(s.detail())
                        .isEqualTo("no challenge ACK (ACK outside the acceptable range): the host has sent its 2"
                                + " challenge ACKs of this second (Linux tcp_challenge_ack_limit); more from 4000 ms");
            });
            h.advanceTo(4_000_000);
            h.peerSends(peer().seq(101).ack(9_000));
            h.expectSent("ACK", 301, 101);
        }
    }
}
