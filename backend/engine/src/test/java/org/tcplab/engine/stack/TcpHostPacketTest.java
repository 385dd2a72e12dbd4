package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcplab.engine.stack.HostHarness.KEY;
import static org.tcplab.engine.stack.HostHarness.peer;
import static org.tcplab.engine.stack.HostHarness.seg;
import static org.tcplab.engine.wire.TcpFlag.FIN;
import static org.tcplab.engine.wire.TcpFlag.RST;
import static org.tcplab.engine.wire.TcpFlag.SYN;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.tcp.TimerKind;

/** One host, the test as its peer: segment in, segments out, time moved by hand. */
class TcpHostPacketTest {

    static HostHarness h() {
        return new HostHarness(HostHarness.plain());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Nested
    class Closed {
        @Test
        void synToClosedPortGetsRstAck() {
            HostHarness h = h();
            h.peerSends(peer().seq(100).flags(SYN));
            // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>
            h.expectSent("RST,ACK", 0, 101);
            assertThat(h.eventsOf(LabEvent.SegmentDropped.class))
                    .extracting(LabEvent.SegmentDropped::reason)
                    .containsExactly("no-listener");
        }

        @Test
        void ackToClosedPortGetsRstAtItsAck() {
            HostHarness h = h();
            h.peerSends(peer().seq(100).ack(555));
            h.expectSent("RST", 555, -1); // <SEQ=SEG.ACK><CTL=RST>
        }

        @Test
        void dataWithoutAckCountsPayloadInAck() {
            HostHarness h = h();
            h.peerSends(peer().seq(100).payload(bytes("hello")));
            h.expectSent("RST,ACK", 0, 105);
        }

        @Test
        void rstToClosedPortIsDiscarded() {
            HostHarness h = h();
            h.peerSends(peer().seq(100).flags(RST));
            h.expectNothingSent();
        }

        @Test
        void userCallsOnMissingConnectionAreRefused() {
            HostHarness h = h();
            assertThatThrownBy(() -> h.host.send(0, KEY, bytes("x")))
                    .isInstanceOf(TcpUserException.class)
                    .hasMessage("connection does not exist");
            assertThatThrownBy(() -> h.host.close(0, KEY)).isInstanceOf(TcpUserException.class);
        }

        @Test
        void segmentsForAnotherAddressAreIgnored() {
            HostHarness h = h();
            h.host.receive(
                    0,
                    1,
                    null,
                    new org.tcplab.engine.wire.TcpDatagram(
                            HostHarness.PEER,
                            org.tcplab.engine.wire.Ipv4Address.parse("198.51.100.9"),
                            peer().seq(1).flags(SYN).build()));
            h.expectNothingSent();
            assertThat(h.events).isEmpty();
        }
    }

    @Nested
    class Listen {
        @Test
        void synMakesSynReceivedAndSynAck() {
            HostHarness h = h().listen();
            h.peerSends(peer().seq(100).flags(SYN));
            h.expectSent("SYN,ACK", 300, 101);
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(h.eventsOf(LabEvent.StateChanged.class).get(0).cause()).isEqualTo("SYN received");
            assertThat(h.host.listeners()).containsExactly(80);
        }

        @Test
        void ackToListenerGetsRst() {
            HostHarness h = h().listen();
            h.peerSends(peer().seq(100).ack(777));
            h.expectSent("RST", 777, -1);
        }

        @Test
        void rstToListenerIsIgnored() {
            HostHarness h = h().listen();
            h.peerSends(peer().seq(100).flags(RST));
            h.expectNothingSent();
        }

        @Test
        void listeningTwiceIsRefused() {
            HostHarness h = h().listen();
            assertThatThrownBy(() -> h.host.listen(0, 80, 1)).isInstanceOf(TcpUserException.class);
        }

        @Test
        void backlogFullDropsTheSyn() {
            HostHarness h = h();
            h.host.listen(0, 80, 1);
            h.peerSends(peer().seq(100).flags(SYN));
            h.expectSent("SYN,ACK", 300, 101);
            h.peerSends(org.tcplab.engine.wire.TcpSegment.builder(1001, 80)
                    .seq(500)
                    .flags(SYN)
                    .window(1000));
            h.expectNothingSent();
            assertThat(h.eventsOf(LabEvent.SegmentDropped.class))
                    .extracting(LabEvent.SegmentDropped::reason)
                    .containsExactly("backlog");
            // Completing the first handshake frees the slot.
            h.peerSends(peer().seq(101).ack(301));
            h.peerSends(org.tcplab.engine.wire.TcpSegment.builder(1001, 80)
                    .seq(500)
                    .flags(SYN)
                    .window(1000));
            h.expectSent("SYN,ACK", 300, 501);
        }

        @Test
        void pinnedIsnsAreUsedInOrder() {
            HostHarness h = h().listen();
            h.host.pinIsn(KEY, org.tcplab.engine.wire.SeqNum.of(7000));
            h.peerSends(peer().seq(100).flags(SYN));
            h.expectSent("SYN,ACK", 7000, 101);
        }
    }

    @Nested
    class SynSent {
        @Test
        void openSendsSynWithMss() {
            HostHarness h = h();
            h.host.open(0, 80, HostHarness.PEER, 1000, org.tcplab.engine.wire.SeqNum.of(300));
            var syn = h.expectSent("SYN", 300, -1);
            assertThat(HostHarness.withoutNops(syn.options()))
                    .containsExactly(new org.tcplab.engine.wire.TcpOption.MaxSegmentSize(1000));
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synAckEstablishesAndIsAcked() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(100).ack(301).flags(SYN));
            h.expectSent("ACK", 301, 101);
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void badAckGetsRstAtThatAck() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(100).ack(999).flags(SYN));
            h.expectSent("RST", 999, -1);
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void rstWithAcceptableAckIsRefused() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(0).ack(301).flags(RST));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).containsExactly("refused");
        }

        @Test
        void rstWithoutAckIsIgnored() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(0).flags(RST));
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void synAloneMeansSimultaneousOpen() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(100).flags(SYN));
            h.expectSent("SYN,ACK", 300, 101);
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void synIsRetransmittedAfter1Then2Then4Seconds() {
            HostHarness h = h().synSent();
            h.expectNothingUntil(999_999);
            h.advanceTo(1_000_000);
            h.expectSent(seg("SYN", 300, -1).retransmission());
            h.expectNothingUntil(2_999_999);
            h.advanceTo(3_000_000);
            h.expectSent(seg("SYN", 300, -1).retransmission());
            h.expectNothingUntil(6_999_999);
            h.advanceTo(7_000_000);
            h.expectSent(seg("SYN", 300, -1).retransmission());
        }

        @Test
        void synRetriesExhaustedTimesOut() {
            HostHarness h = new HostHarness(HostHarness.plain().withSynRetries(2));
            h.synSent();
            h.advanceTo(1_000_000);
            h.expectSent(seg("SYN", 300, -1).retransmission());
            h.advanceTo(3_000_000);
            h.expectSent(seg("SYN", 300, -1).retransmission());
            h.expectNothingUntil(6_999_999);
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
            h.advanceTo(7_000_000);
            h.expectNothingSent();
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).containsExactly("timeout");
        }

        @Test
        void closeDeletesTheTcb() {
            HostHarness h = h().synSent();
            h.host.close(0, KEY);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            h.expectNothingUntil(10_000_000);
        }

        @Test
        void dataQueuedBeforeEstablishedGoesAfterTheAck() {
            HostHarness h = h().synSent();
            h.host.send(0, KEY, bytes("early"));
            h.expectNothingSent();
            h.peerSends(peer().seq(100).ack(301).flags(SYN));
            h.expectSentData("ACK,PSH", 301, 101, 5);
        }

        @Test
        void dataAndFinOnTheSynAckAreProcessed() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(100).ack(301).flags(SYN, FIN).payload(bytes("hey")));
            h.expectSent("ACK", 301, 105);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("hey"));
            assertThat(h.state()).isEqualTo(TcpState.CLOSE_WAIT);
        }

        @Test
        void rstWithAnUnacceptableAckIsDroppedWithoutReply() {
            HostHarness h = h().synSent();
            h.peerSends(peer().seq(0).ack(999).flags(RST));
            h.expectNothingSent();
            assertThat(h.state()).isEqualTo(TcpState.SYN_SENT);
        }

        @Test
        void timerEventsCarryTheDeadline() {
            HostHarness h = h().synSent();
            var armed = h.eventsOf(LabEvent.TimerChanged.class).get(0);
            assertThat(armed.timer()).isEqualTo(TimerKind.RETRANSMISSION);
            assertThat(armed.action()).isEqualTo(LabEvent.TimerAction.ARMED);
            assertThat(armed.atUs()).isEqualTo(1_000_000);
        }
    }

    @Nested
    class SynReceived {
        @Test
        void ackOfSynEstablishes() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(101).ack(301));
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.eventsOf(LabEvent.StateChanged.class).get(1).cause()).isEqualTo("ACK of SYN");
        }

        @Test
        void unacceptableAckGetsRst() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(101).ack(900));
            h.expectSent("RST", 900, -1);
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECEIVED);
        }

        @Test
        void rstReturnsPassiveConnectionToListen() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(101).flags(RST));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.stateChanges()).containsExactly("LISTEN>SYN_RECEIVED", "SYN_RECEIVED>LISTEN");
            assertThat(h.host.listeners()).containsExactly(80);
            assertThat(h.errors()).isEmpty();
        }

        @Test
        void retransmittedSynGetsTheSynAckAgain() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(100).flags(SYN));
            h.expectSent(seg("SYN,ACK", 300, 101).retransmission());
        }

        @Test
        void aDifferentSynInTheWindowReturnsToListen() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(150).flags(SYN));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.stateChanges()).containsExactly("LISTEN>SYN_RECEIVED", "SYN_RECEIVED>LISTEN");
        }

        @Test
        void synAckIsRetransmittedThenGivesUp() {
            HostHarness h = new HostHarness(HostHarness.plain().withSynAckRetries(1)).synReceived();
            h.advanceTo(1_000_000);
            h.expectSent(seg("SYN,ACK", 300, 101).retransmission());
            h.advanceTo(3_000_000);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).containsExactly("timeout");
        }

        @Test
        void dataWithTheAckIsDelivered() {
            HostHarness h = h().synReceived();
            h.peerSends(peer().seq(101).ack(301).payload(bytes("hi")));
            h.expectSent("ACK", 301, 103);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("hi"));
        }

        @Test
        void closeWaitsForTheHandshakeThenSendsFin() {
            HostHarness h = h().synReceived();
            h.host.close(0, KEY);
            h.expectNothingSent();
            h.peerSends(peer().seq(101).ack(301));
            h.expectSent("FIN,ACK", 301, 101);
            assertThat(h.state()).isEqualTo(TcpState.FIN_WAIT_1);
        }
    }

    @Nested
    class Established {
        @Test
        void dataIsDeliveredAndAcked() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).ack(301).payload(bytes("hello")));
            h.expectSent("ACK", 301, 106);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("hello"));
            var d = h.eventsOf(LabEvent.DataDelivered.class).get(0);
            assertThat(d.bytes()).isEqualTo(5);
            assertThat(d.total()).isEqualTo(5);
        }

        @Test
        void withoutMssOptionSegmentsAre536Bytes() {
            HostHarness h = h().established(); // the peer's SYN had no MSS option: RFC 9293 §3.7.1 default 536
            h.host.send(0, KEY, new byte[1200]);
            h.expectSent(
                    seg("ACK", 301, 101).len(536),
                    seg("ACK", 837, 101).len(536),
                    seg("ACK,PSH", 1373, 101).len(128));
        }

        @Test
        void segmentsUseTheSmallerOfBothMss() {
            HostHarness h = h().listen();
            h.peerSends(peer().seq(100).flags(SYN).options(new org.tcplab.engine.wire.TcpOption.MaxSegmentSize(1400)));
            h.expectSent("SYN,ACK", 300, 101);
            h.peerSends(peer().seq(101).ack(301));
            assertThat(h.snapshot().effectiveMss()).isEqualTo(1000);
            h.host.send(0, KEY, new byte[2500]);
            h.expectSent(
                    seg("ACK", 301, 101).len(1000),
                    seg("ACK", 1301, 101).len(1000),
                    seg("ACK,PSH", 2301, 101).len(500));
        }

        @Test
        void outOfWindowSegmentGetsAnAck() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(50_000).ack(301).payload(bytes("x")));
            h.expectSent("ACK", 301, 101);
        }

        @Test
        void exactRstResetsTheConnection() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).flags(RST));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).containsExactly("reset");
        }

        @Test
        void inWindowRstGetsAChallengeAck() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(105).flags(RST));
            h.expectSent("ACK", 301, 101); // RFC 5961 §3.2
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void outOfWindowRstIsDroppedSilently() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(90_000).flags(RST));
            h.expectNothingSent();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void synGetsAChallengeAck() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).flags(SYN));
            h.expectSent("ACK", 301, 101); // RFC 5961 §4
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void ackOfUnsentDataGetsAChallengeAck() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).ack(5000));
            h.expectSent("ACK", 301, 101); // RFC 5961 §5
        }

        @Test
        void anAckFarBelowTheWindowGetsAChallengeAck() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).ack(300 - 70_000));
            h.expectSent("ACK", 301, 101); // RFC 5961 §5.2: below SND.UNA - MAX.SND.WND
        }

        @Test
        void anOldButPlausibleAckIsIgnored() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).ack(250));
            h.expectNothingSent();
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void segmentWithoutAckIsDropped() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).payload(bytes("x")));
            h.expectNothingSent();
            assertThat(h.host.received(KEY)).isEmpty();
        }

        @Test
        void finMovesToCloseWait() {
            HostHarness h = h().closeWait();
            assertThat(h.state()).isEqualTo(TcpState.CLOSE_WAIT);
        }

        @Test
        void abortSendsRst() {
            HostHarness h = h().established();
            h.host.abort(0, KEY);
            h.expectSent("RST", 301, -1);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void overlappingRetransmissionDeliversOnlyNewBytes() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(101).ack(301).payload(bytes("abc")));
            h.expectSent("ACK", 301, 104);
            h.peerSends(peer().seq(101).ack(301).payload(bytes("abcdef")));
            h.expectSent("ACK", 301, 107);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("abcdef"));
        }

        @Test
        void outOfOrderDataIsHeldUntilTheGapFills() {
            HostHarness h = h().established();
            h.peerSends(peer().seq(104).ack(301).payload(bytes("def")));
            h.expectSent("ACK", 301, 101);
            assertThat(h.host.received(KEY)).isEmpty();
            h.peerSends(peer().seq(101).ack(301).payload(bytes("abc")));
            h.expectSent("ACK", 301, 107);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("abcdef"));
        }

        @Test
        void dataRetransmittedOnTimeoutWithBackoff() {
            HostHarness h = h().established();
            h.host.send(0, KEY, bytes("abc"));
            h.expectSentData("ACK,PSH", 301, 101, 3);
            h.expectNothingUntil(999_999);
            h.advanceTo(1_000_000);
            h.expectSent(seg("ACK,PSH", 301, 101).len(3).retransmission());
            h.expectNothingUntil(2_999_999);
            h.advanceTo(3_000_000);
            h.expectSent(seg("ACK,PSH", 301, 101).len(3).retransmission());
        }

        @Test
        void dataRetriesExhaustedTimesOut() {
            HostHarness h = new HostHarness(HostHarness.plain().withDataRetries(1)).established();
            h.host.send(0, KEY, bytes("abc"));
            h.expectSentData("ACK,PSH", 301, 101, 3);
            h.advanceTo(1_000_000);
            h.expectSent(seg("ACK,PSH", 301, 101).len(3).retransmission());
            h.advanceTo(3_000_000);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).containsExactly("timeout");
        }

        @Test
        void ackStopsTheRetransmissionTimer() {
            HostHarness h = h().established();
            h.host.send(0, KEY, bytes("abc"));
            h.expectSentData("ACK,PSH", 301, 101, 3);
            h.peerSends(peer().seq(101).ack(304));
            h.expectNothingUntil(10_000_000);
            assertThat(h.snapshot().sndUna()).isEqualTo(304);
        }
    }

    @Nested
    class FinWait1 {
        @Test
        void ackOfFinMovesToFinWait2() {
            HostHarness h = h().finWait2();
            assertThat(h.eventsOf(LabEvent.StateChanged.class))
                    .last()
                    .extracting(LabEvent.StateChanged::cause)
                    .isEqualTo("ACK of FIN");
        }

        @Test
        void finWithoutAckOfOursMeansClosing() {
            HostHarness h = h().closing();
            assertThat(h.state()).isEqualTo(TcpState.CLOSING);
        }

        @Test
        void finAndAckTogetherGoStraightToTimeWait() {
            HostHarness h = h().finWait1();
            h.peerSends(peer().seq(101).ack(302).flags(FIN));
            h.expectSent("ACK", 302, 102);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void sendIsRefused() {
            HostHarness h = h().finWait1();
            assertThatThrownBy(() -> h.host.send(0, KEY, bytes("x"))).hasMessage("connection closing");
        }

        @Test
        void finIsRetransmitted() {
            HostHarness h = h().finWait1();
            h.advanceTo(1_000_000);
            h.expectSent(seg("FIN,ACK", 301, 101).retransmission());
        }

        @Test
        void dataBeforeFinGoesFirst() {
            HostHarness h = h().established();
            h.host.send(0, KEY, bytes("bye"));
            h.host.close(0, KEY);
            h.expectSent(seg("ACK,PSH", 301, 101).len(3), seg("FIN,ACK", 304, 101));
        }
    }

    @Nested
    class FinWait2 {
        @Test
        void finMovesToTimeWait() {
            HostHarness h = h().timeWait();
            assertThat(h.eventsOf(LabEvent.TimerChanged.class)).last().satisfies(t -> {
                assertThat(t.timer()).isEqualTo(TimerKind.TIME_WAIT);
                assertThat(t.atUs()).isEqualTo(240_000_000L);
            });
        }

        @Test
        void dataIsStillReceived() {
            HostHarness h = h().finWait2();
            h.peerSends(peer().seq(101).ack(302).payload(bytes("late")));
            h.expectSent("ACK", 302, 105);
            assertThat(h.host.received(KEY)).isEqualTo(bytes("late"));
        }
    }

    @Nested
    class CloseWait {
        @Test
        void canStillSend() {
            HostHarness h = h().closeWait();
            h.host.send(0, KEY, bytes("reply"));
            h.expectSentData("ACK,PSH", 301, 102, 5);
        }

        @Test
        void closeSendsFinAndMovesToLastAck() {
            HostHarness h = h().lastAck();
            assertThat(h.state()).isEqualTo(TcpState.LAST_ACK);
        }
    }

    @Nested
    class LastAck {
        @Test
        void ackOfFinCloses() {
            HostHarness h = h().lastAck();
            h.peerSends(peer().seq(102).ack(302));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.errors()).isEmpty();
        }

        @Test
        void finIsRetransmittedUntilAcked() {
            HostHarness h = h().lastAck();
            h.advanceTo(1_000_000);
            h.expectSent(seg("FIN,ACK", 301, 102).retransmission());
        }
    }

    @Nested
    class Closing {
        @Test
        void ackOfFinMovesToTimeWait() {
            HostHarness h = h().closing();
            h.peerSends(peer().seq(102).ack(302));
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
        }
    }

    @Nested
    class TimeWait {
        @Test
        void closesAfterTwoMsl() {
            HostHarness h = h().timeWait();
            long entered = h.now;
            h.expectNothingUntil(entered + 240_000_000L - 1);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            h.advanceTo(entered + 240_000_000L);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.eventsOf(LabEvent.StateChanged.class))
                    .last()
                    .extracting(LabEvent.StateChanged::cause)
                    .isEqualTo("2MSL timeout");
        }

        @Test
        void retransmittedFinIsAckedAndRestartsTheTimer() {
            HostHarness h = new HostHarness(HostHarness.plain().withMslUs(1_000_000)).timeWait();
            h.advanceTo(1_500_000);
            h.peerSends(peer().seq(101).ack(302).flags(FIN));
            h.expectSent("ACK", 302, 102);
            h.expectNothingUntil(3_499_999);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            h.advanceTo(3_500_000);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void rstCloses() {
            HostHarness h = h().timeWait();
            h.peerSends(peer().seq(102).flags(RST));
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
        }

        /** RFC 9293 §3.6.1 (MAY-2): a new SYN above RCV.NXT may reopen the connection from TIME-WAIT. */
        @Test
        void aNewSynAboveRcvNxtReopensThePortWithAnIssAboveTheOldConnection() {
            HostHarness h = h().timeWait(); // passive side closed first here, listener still on 80
            h.peerSends(peer().seq(5000).flags(SYN));
            // The ISN source offers 300 again, below the old SND.NXT (302): the ISS must lie above
            // everything the old incarnation used, so it is the old SND.NXT + 65537 (as Linux picks).
            h.expectSent("SYN,ACK", 302 + 65_537, 5001);
            assertThat(h.state()).isEqualTo(TcpState.SYN_RECEIVED);
            assertThat(h.stateChanges()).endsWith("TIME_WAIT>LISTEN", "LISTEN>SYN_RECEIVED");
            assertThat(h.eventsOf(LabEvent.Note.class))
                    .extracting(LabEvent.Note::text)
                    .contains("server reopens the connection from TIME-WAIT: ISS 65839 lies above 301, the last"
                            + " sequence number of the old connection (RFC 9293 §3.6.1)");
        }

        @Test
        void afterATransferTheNewIssIsAboveEverySequenceNumberUsed() {
            HostHarness h = h().established();
            h.host.send(h.now, KEY, new byte[1000]);
            h.expectSent(seg("ACK", 301, 101).len(536), seg("ACK,PSH", 837, 101).len(464));
            h.peerSends(peer().seq(101).ack(1301));
            h.host.close(h.now, KEY);
            h.expectSent("FIN,ACK", 1301, 101);
            h.peerSends(peer().seq(101).ack(1302).flags(FIN));
            h.expectSent("ACK", 1302, 102);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            h.peerSends(peer().seq(9000).flags(SYN));
            h.expectSent("SYN,ACK", 1302 + 65_537, 9001);
        }

        @Test
        void anIsnAlreadyAboveTheOldConnectionIsKept() {
            HostHarness h = h().timeWait();
            h.host.pinIsn(KEY, org.tcplab.engine.wire.SeqNum.of(90_000));
            h.peerSends(peer().seq(5000).flags(SYN));
            h.expectSent("SYN,ACK", 90_000, 5001);
        }

        /** TIME-WAIT with a 20 s 2MSL, a reopening SYN at 1 s, and the peer's reset of our SYN,ACK. */
        private HostHarness reopenedByAnOldDuplicate() {
            HostHarness h = new HostHarness(HostHarness.plain().withMslUs(10_000_000)).timeWait();
            h.advanceTo(1_000_000);
            h.peerSends(peer().seq(5000).flags(SYN));
            h.expectSent("SYN,ACK", 65_839, 5001);
            // The peer knows no such connection: it resets our SYN,ACK. The SYN was an old duplicate.
            h.peerSends(peer().seq(5001).flags(RST));
            return h;
        }

        @Test
        void aReopeningSynThatProvesAnOldDuplicateReturnsToTimeWait() {
            HostHarness h = reopenedByAnOldDuplicate();
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            assertThat(h.stateChanges())
                    .endsWith("TIME_WAIT>LISTEN", "LISTEN>SYN_RECEIVED", "SYN_RECEIVED>LISTEN", "LISTEN>TIME_WAIT");
            // The old incarnation is intact: a retransmission of its FIN is acknowledged with its numbers ...
            h.peerSends(peer().seq(101).ack(302).flags(FIN));
            h.expectSent("ACK", 302, 102);
            // ... (which restarts 2MSL, RFC 9293 §3.10.7.4), and it ends as TIME-WAIT ends.
            long restarted = h.now + 20_000_000;
            h.expectNothingUntil(restarted - 1);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            h.advanceTo(restarted);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
            assertThat(h.eventsOf(LabEvent.StateChanged.class))
                    .last()
                    .extracting(LabEvent.StateChanged::cause)
                    .isEqualTo("2MSL timeout");
        }

        @Test
        void theOldIncarnationKeepsItsDeadlineWhenItReturns() {
            HostHarness h = reopenedByAnOldDuplicate();
            long deadline = h.eventsOf(LabEvent.TimerChanged.class).stream()
                    .filter(t -> t.timer() == TimerKind.TIME_WAIT && t.action() == LabEvent.TimerAction.ARMED)
                    .findFirst()
                    .orElseThrow()
                    .atUs();
            assertThat(deadline).isEqualTo(20_000_000); // entered TIME-WAIT at time 0
            h.expectNothingUntil(deadline - 1);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
            h.advanceTo(deadline);
            assertThat(h.state()).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void aReopenedConnectionThatIsEstablishedForgetsTheOldOne() {
            HostHarness h = new HostHarness(HostHarness.plain().withMslUs(10_000_000)).timeWait();
            long deadline = h.now + 20_000_000;
            h.peerSends(peer().seq(5000).flags(SYN));
            h.expectSent("SYN,ACK", 65_839, 5001);
            h.peerSends(peer().seq(5001).ack(65_840));
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            h.expectNothingUntil(deadline + 1_000_000);
            assertThat(h.state()).isEqualTo(TcpState.ESTABLISHED);
            assertThat(h.stateChanges())
                    .endsWith("TIME_WAIT>LISTEN", "LISTEN>SYN_RECEIVED", "SYN_RECEIVED>ESTABLISHED");
        }

        @Test
        void anOldSynGetsAnAckInstead() {
            HostHarness h = h().timeWait();
            h.peerSends(peer().seq(50).flags(SYN));
            h.expectSent("ACK", 302, 102);
            assertThat(h.state()).isEqualTo(TcpState.TIME_WAIT);
        }

        @Test
        void closeIsRefused() {
            HostHarness h = h().timeWait();
            assertThatThrownBy(() -> h.host.close(0, KEY)).hasMessage("connection closing");
        }
    }

    @Nested
    class Crash {
        @Test
        void crashForgetsEverythingSilently() {
            HostHarness h = h().established();
            h.host.send(0, KEY, bytes("abc"));
            int before = h.events.size();
            h.host.crash();
            assertThat(h.events).hasSize(before);
            assertThat(h.host.connections()).isEmpty();
            assertThat(h.host.listeners()).isEmpty();
            h.sent.clear();
            h.expectNothingUntil(100_000_000);
            h.peerSends(peer().seq(101).ack(301).payload(bytes("x")));
            h.expectSent("RST", 301, -1);
        }
    }
}
