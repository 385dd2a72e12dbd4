package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.stack.HostHarness.KEY;
import static org.tcplab.engine.stack.HostHarness.peer;
import static org.tcplab.engine.stack.HostHarness.seg;
import static org.tcplab.engine.wire.TcpFlag.SYN;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpOption.SackBlock;
import org.tcplab.engine.wire.TcpSegment;

/** Option negotiation (RFC 7323, RFC 2018, RFC 9293 §3.7.1) and the data path's switches. */
class OptionsAndDataTest {

    @Nested
    class Negotiation {
        @Test
        void allOptionsOnWhenBothOffer() {
            TwoHosts net = new TwoHosts(TcpConfig.defaults().withWindow(262_144));
            net.handshake(100, 300);
            for (TcpHost h : List.of(net.client, net.server)) {
                ConnectionSnapshot s = h.connections().get(0);
                assertThat(s.sackOk()).isTrue();
                assertThat(s.timestampsOk()).isTrue();
                assertThat(s.sndWindowShift()).isEqualTo(7);
                assertThat(s.rcvWindowShift()).isEqualTo(7);
                assertThat(s.effectiveMss()).isEqualTo(1460);
                assertThat(s.rcvWnd()).isEqualTo(262_144);
            }
            // The server learnt the client's window from the (scaled) final ACK; the client only has
            // the SYN,ACK's unscaled field so far.
            assertThat(net.server.connections().get(0).sndWnd()).isEqualTo(262_144);
            assertThat(net.client.connections().get(0).sndWnd()).isEqualTo(65_535);
            TcpSegment syn = net.wire.get(0).segment();
            // RFC 7323 §2.2: the SYN's window is never scaled.
            assertThat(syn.window()).isEqualTo(65_535);
            assertThat(HostHarness.withoutNops(syn.options()))
                    .extracting(TcpOption::name)
                    .containsExactly("MSS", "SACK_PERMITTED", "TS", "WS");
            TcpSegment ack = net.wire.get(2).segment();
            assertThat(ack.window()).isEqualTo(262_144 >> 7);
            assertThat(ack.option(TcpOption.Timestamps.class)).isPresent();
        }

        @Test
        void windowScaleOnlyIfBothOffer() {
            TwoHosts net = new TwoHosts(
                    TcpConfig.defaults().withWindow(262_144),
                    TcpConfig.defaults().withWindow(262_144).withWindowScale(0));
            net.handshake(100, 300);
            ConnectionSnapshot c = net.client.connections().get(0);
            assertThat(c.sndWindowShift()).isZero();
            assertThat(c.rcvWindowShift()).isZero();
            assertThat(c.rcvWnd()).isEqualTo(65_535); // without scaling the window cannot exceed 64 KiB
            assertThat(net.wire.get(1).segment().option(TcpOption.WindowScale.class))
                    .isEmpty();
        }

        @Test
        void sackAndTimestampsOffWhenOneSideDeclines() {
            TwoHosts net = new TwoHosts(
                    TcpConfig.defaults(), TcpConfig.defaults().withSack(false).withTimestamps(false));
            net.handshake(100, 300);
            for (TcpHost h : List.of(net.client, net.server)) {
                assertThat(h.connections().get(0).sackOk()).isFalse();
                assertThat(h.connections().get(0).timestampsOk()).isFalse();
            }
            assertThat(HostHarness.withoutNops(net.wire.get(1).segment().options()))
                    .extracting(TcpOption::name)
                    .containsExactly("MSS", "WS");
            assertThat(net.wire.get(2).segment().options()).isEmpty();
        }

        @Test
        void shiftAbove14IsUsedAs14() {
            HostHarness h = new HostHarness(HostHarness.plain().withWindowScale(7)).listen();
            h.peerSends(peer().seq(100).flags(SYN).options(new TcpOption.WindowScale(20)));
            h.expectSent(
                    seg("SYN,ACK", 300, 101).options(new TcpOption.MaxSegmentSize(1000), new TcpOption.WindowScale(7)));
            h.peerSends(peer().seq(101).ack(301).window(1));
            assertThat(h.snapshot().sndWindowShift()).isEqualTo(14);
            assertThat(h.snapshot().sndWnd()).isEqualTo(1 << 14);
        }

        @Test
        void timestampsEchoThePeersTsval() {
            HostHarness h = new HostHarness(HostHarness.plain().withTimestamps(true)).listen();
            h.peerSends(peer().seq(100).flags(SYN).options(new TcpOption.Timestamps(5000, 0)));
            // Our TSval clock is milliseconds plus one; the echo is the peer's TSval.
            h.expectSent(seg("SYN,ACK", 300, 101)
                    .options(new TcpOption.MaxSegmentSize(1000), new TcpOption.Timestamps(1, 5000)));
            h.peerSends(peer().seq(101).ack(301).options(new TcpOption.Timestamps(5007, 1)));
            h.peerSends(peer().seq(101).ack(301).payload(new byte[] {1}).options(new TcpOption.Timestamps(5010, 1)));
            h.expectSent(seg("ACK", 301, 102).options(new TcpOption.Timestamps(1, 5010)));
        }

        @Test
        void timestampEchoGivesAnRttSample() {
            HostHarness h = new HostHarness(HostHarness.plain().withTimestamps(true)).listen();
            h.peerSends(peer().seq(100).flags(SYN).options(new TcpOption.Timestamps(5000, 0)));
            TcpSegment synAck = h.expectSent(seg("SYN,ACK", 300, 101)
                            .options(new TcpOption.MaxSegmentSize(1000), new TcpOption.Timestamps(1, 5000)))
                    .get(0);
            int tsval = synAck.option(TcpOption.Timestamps.class).orElseThrow().tsVal();
            h.advanceTo(250_000);
            h.peerSends(peer().seq(101).ack(301).options(new TcpOption.Timestamps(5250, tsval)));
            assertThat(h.snapshot().srttUs()).isEqualTo(250_000);
        }
    }

    @Nested
    class Sack {
        HostHarness established() {
            HostHarness h = new HostHarness(HostHarness.plain().withSack(true)).listen();
            h.peerSends(peer().seq(100)
                    .flags(SYN)
                    .options(new TcpOption.MaxSegmentSize(1000), new TcpOption.SackPermitted()));
            h.expectSent(seg("SYN,ACK", 300, 101)
                    .options(new TcpOption.MaxSegmentSize(1000), new TcpOption.SackPermitted()));
            h.peerSends(peer().seq(101).ack(301));
            return h;
        }

        @Test
        void firstBlockHoldsTheMostRecentSegment() {
            HostHarness h = established();
            h.peerSends(peer().seq(201).ack(301).payload(new byte[100]));
            h.expectSent(seg("ACK", 301, 101).options(sack(201, 301)));
            h.peerSends(peer().seq(401).ack(301).payload(new byte[100]));
            h.expectSent(seg("ACK", 301, 101).options(sack(401, 501, 201, 301)));
            h.peerSends(peer().seq(301).ack(301).payload(new byte[100])); // joins the two blocks
            h.expectSent(seg("ACK", 301, 101).options(sack(201, 501)));
            h.peerSends(peer().seq(101).ack(301).payload(new byte[100])); // fills the hole
            h.expectSent(seg("ACK", 301, 501));
        }

        /** A SACK option with blocks given as left, right, left, right ... */
        private static TcpOption.Sack sack(long... edges) {
            List<SackBlock> blocks = new java.util.ArrayList<>();
            for (int i = 0; i < edges.length; i += 2) {
                blocks.add(new SackBlock(SeqNum.of(edges[i]), SeqNum.of(edges[i + 1])));
            }
            return new TcpOption.Sack(blocks);
        }

        @Test
        void retransmissionSkipsSackedData() {
            HostHarness h = established();
            h.host.send(0, KEY, new byte[4000]);
            h.expectSent(
                    seg("ACK", 301, 101).len(1000),
                    seg("ACK", 1301, 101).len(1000),
                    seg("ACK", 2301, 101).len(1000),
                    seg("ACK,PSH", 3301, 101).len(1000));
            // The peer got the last two segments only.
            h.peerSends(peer().seq(101)
                    .ack(301)
                    .options(new TcpOption.Sack(List.of(new SackBlock(SeqNum.of(2301), SeqNum.of(4301))))));
            h.advanceTo(1_000_000); // RTO: cwnd 1 segment
            h.expectSent(seg("ACK", 301, 101).len(1000).retransmission());
            h.peerSends(peer().seq(101)
                    .ack(1301)
                    .options(new TcpOption.Sack(List.of(new SackBlock(SeqNum.of(2301), SeqNum.of(4301))))));
            // 2301..4301 is SACKed: not sent again
            h.expectSent(seg("ACK", 1301, 101).len(1000).retransmission());
            h.peerSends(peer().seq(101).ack(4301));
            h.expectNothingUntil(10_000_000);
        }
    }

    /**
     * RFC 2018 §5 and §5.1, RFC 6675 §5.1: after a retransmission timeout the left edge is resent
     * whether or not it was SACKed, and earlier SACK information no longer counts, because a
     * receiver may renege (discard data it SACKed).
     */
    @Nested
    class SackAfterTimeout {
        private HostHarness sentFourSegments() {
            HostHarness h = new Sack().established();
            h.host.send(0, KEY, new byte[4000]);
            h.expectSent(
                    seg("ACK", 301, 101).len(1000),
                    seg("ACK", 1301, 101).len(1000),
                    seg("ACK", 2301, 101).len(1000),
                    seg("ACK,PSH", 3301, 101).len(1000));
            return h;
        }

        @Test
        void theLeftEdgeIsResentAfterATimeoutEvenWhenSacked() {
            HostHarness h = sentFourSegments();
            // A receiver reports the left edge as received but does not acknowledge it (it may discard it).
            h.peerSends(peer().seq(101)
                    .ack(301)
                    .options(new TcpOption.Sack(List.of(new SackBlock(SeqNum.of(301), SeqNum.of(4301))))));
            h.expectNothingSent();
            h.advanceTo(1_000_000);
            h.expectSent(seg("ACK", 301, 101).len(1000).retransmission());
        }

        @Test
        void aRenegingReceiverGetsEverythingAgainAfterATimeout() {
            HostHarness h = sentFourSegments();
            h.peerSends(peer().seq(101)
                    .ack(301)
                    .options(new TcpOption.Sack(List.of(new SackBlock(SeqNum.of(1301), SeqNum.of(4301))))));
            h.advanceTo(1_000_000);
            h.expectSent(seg("ACK", 301, 101).len(1000).retransmission());
            // The receiver reneges: it acknowledges the left edge and reports no SACK blocks any more.
            h.peerSends(peer().seq(101).ack(1301));
            h.expectSent(
                    seg("ACK", 1301, 101).len(1000).retransmission(),
                    seg("ACK", 2301, 101).len(1000).retransmission());
            h.peerSends(peer().seq(101).ack(3301));
            h.expectSent(seg("ACK,PSH", 3301, 101).len(1000).retransmission());
            h.peerSends(peer().seq(101).ack(4301));
            h.expectNothingUntil(60_000_000);
            assertThat(h.snapshot().sndUna()).isEqualTo(4301);
        }
    }

    /**
     * Sender silly window avoidance (RFC 9293 §3.8.6.2.1, MUST-38): send (1) a full MSS, (2) pushed
     * data that all fits (Nagle adds: with nothing in flight), (3) at least half the largest window
     * the peer offered, or (4) whatever the window allows when the override timer fires.
     */
    @Nested
    class SillyWindowAvoidance {
        /** ESTABLISHED with an MSS of 1000 both ways; the peer's SYN offered {@code synWindow}. */
        private static HostHarness established(int synWindow) {
            HostHarness h = new HostHarness(HostHarness.plain()).listen();
            h.peerSends(peer().seq(100).flags(SYN).window(synWindow).options(new TcpOption.MaxSegmentSize(1000)));
            h.expectSent("SYN,ACK", 300, 101);
            h.peerSends(peer().seq(101).ack(301).window(synWindow));
            return h;
        }

        private static TimerKind lastTimer(HostHarness h, LabEvent.TimerAction action) {
            return h.eventsOf(LabEvent.TimerChanged.class).stream()
                    .filter(t -> t.action() == action)
                    .reduce((a, b) -> b)
                    .orElseThrow()
                    .timer();
        }

        @Test
        void aSmallWindowGetsNoRuntUntilTheOverrideTimerFires() {
            HostHarness h = new HostHarness(HostHarness.plain()).established(); // the peer offered 10,000
            h.advanceTo(1_000_000);
            h.peerSends(peer().seq(101).ack(301).window(10));
            h.host.send(h.now, KEY, new byte[100]);
            // 10 bytes is neither a full segment, nor all the data, nor half of the 10,000 once offered.
            h.expectNothingSent();
            assertThat(h.eventsOf(LabEvent.TimerChanged.class)).last().satisfies(t -> {
                assertThat(t.timer()).isEqualTo(TimerKind.SWS_OVERRIDE);
                assertThat(t.action()).isEqualTo(LabEvent.TimerAction.ARMED);
                assertThat(t.atUs()).isEqualTo(1_200_000);
            });
            h.expectNothingUntil(1_199_999);
            h.advanceTo(1_200_000);
            h.expectSent(seg("ACK", 301, 101).len(10));
            assertThat(lastTimer(h, LabEvent.TimerAction.FIRED)).isEqualTo(TimerKind.SWS_OVERRIDE);
            // The peer takes the 10 bytes and opens its window: the rest goes at once.
            h.peerSends(peer().seq(101).ack(311).window(10_000));
            h.expectSent(seg("ACK,PSH", 311, 101).len(90));
        }

        @Test
        void halfTheLargestWindowGoesAtOnce() {
            HostHarness h = established(1000);
            h.peerSends(peer().seq(101).ack(301).window(600));
            h.host.send(h.now, KEY, new byte[2000]);
            h.expectSent(seg("ACK", 301, 101).len(600)); // (3): 600 >= 1000 / 2
            assertThat(h.eventsOf(LabEvent.TimerChanged.class)).noneMatch(t -> t.timer() == TimerKind.SWS_OVERRIDE);
        }

        @Test
        void lessThanHalfTheLargestWindowWaitsForTheOverride() {
            HostHarness h = established(1000);
            h.peerSends(peer().seq(101).ack(301).window(400));
            h.host.send(h.now, KEY, new byte[2000]);
            h.expectNothingUntil(199_999);
            h.advanceTo(200_000);
            h.expectSent(seg("ACK", 301, 101).len(400));
        }

        @Test
        void withDataInFlightTheAckReopensTheWindowAndNoOverrideIsNeeded() {
            HostHarness h = established(10_000);
            h.peerSends(peer().seq(101).ack(301).window(1500));
            h.host.send(h.now, KEY, new byte[2000]);
            h.expectSent(seg("ACK", 301, 101).len(1000)); // (1) a full segment; the 500 left would be a runt
            assertThat(h.eventsOf(LabEvent.TimerChanged.class)).noneMatch(t -> t.timer() == TimerKind.SWS_OVERRIDE);
            h.peerSends(peer().seq(101).ack(1301).window(1500));
            h.expectSent(seg("ACK,PSH", 1301, 101).len(1000)); // (2) all the rest fits
        }

        @Test
        void dataThatAllFitsGoesAtOnce() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            h.peerSends(peer().seq(101).ack(301).window(10));
            h.host.send(h.now, KEY, new byte[10]);
            h.expectSent(seg("ACK,PSH", 301, 101).len(10)); // (2): D <= U, pushed
        }
    }

    @Nested
    class DelayedAck {
        private HostHarness established() {
            return new HostHarness(HostHarness.plain().withDelayedAck(true)).established();
        }

        @Test
        void oneSegmentIsAckedAfterTheDelay() {
            HostHarness h = established();
            h.peerSends(peer().seq(101).ack(301).payload(new byte[10]));
            h.expectNothingUntil(39_999);
            h.advanceTo(40_000);
            h.expectSent("ACK", 301, 111);
            assertThat(h.eventsOf(LabEvent.TimerChanged.class))
                    .anyMatch(t -> t.timer() == TimerKind.DELAYED_ACK && t.action() == LabEvent.TimerAction.FIRED);
        }

        @Test
        void everySecondSegmentIsAckedAtOnce() {
            HostHarness h = established();
            h.peerSends(peer().seq(101).ack(301).payload(new byte[1000]));
            h.expectNothingSent();
            h.peerSends(peer().seq(1101).ack(301).payload(new byte[1000]));
            h.expectSent("ACK", 301, 2101);
            assertThat(h.eventsOf(LabEvent.TimerChanged.class))
                    .last()
                    .extracting(LabEvent.TimerChanged::action)
                    .isEqualTo(LabEvent.TimerAction.CANCELLED);
        }

        @Test
        void outgoingDataCarriesTheAck() {
            HostHarness h = established();
            h.peerSends(peer().seq(101).ack(301).payload(new byte[10]));
            h.host.send(h.now, KEY, new byte[5]);
            h.expectSentData("ACK,PSH", 301, 111, 5);
            h.expectNothingUntil(100_000);
        }
    }

    @Nested
    class Nagle {
        @Test
        void smallSegmentWaitsForTheAck() {
            HostHarness h = new HostHarness(HostHarness.plain().withNagle(true)).established();
            h.host.send(0, KEY, new byte[1]);
            h.expectSentData("ACK,PSH", 301, 101, 1);
            h.host.send(0, KEY, new byte[1]);
            h.host.send(0, KEY, new byte[1]);
            h.expectNothingSent();
            h.peerSends(peer().seq(101).ack(302));
            h.expectSentData("ACK,PSH", 302, 101, 2);
        }

        @Test
        void withoutNagleSmallSegmentsGoAtOnce() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            h.host.send(0, KEY, new byte[1]);
            h.host.send(0, KEY, new byte[1]);
            h.expectSent(
                    seg("ACK,PSH", 301, 101).len(1), seg("ACK,PSH", 302, 101).len(1));
        }
    }

    @Nested
    class ReceiveWindow {
        @Test
        void notReadingShrinksTheWindowAndReadingReopensIt() {
            HostHarness h = new HostHarness(HostHarness.plain().withWindow(2000)).established();
            h.host.setReading(0, KEY, false);
            h.peerSends(peer().seq(101).ack(301).payload(new byte[1500]));
            h.expectSent(seg("ACK", 301, 1601).window(500));
            h.peerSends(peer().seq(1601).ack(301).payload(new byte[500]));
            h.expectSent(seg("ACK", 301, 2101).window(0));
            assertThat(h.host.received(KEY)).isEmpty();
            // Beyond a zero window: not accepted, answered with an ACK.
            h.peerSends(peer().seq(2101).ack(301).payload(new byte[1]));
            h.expectSent(seg("ACK", 301, 2101).window(0));
            h.host.setReading(0, KEY, true);
            h.expectSent(seg("ACK", 301, 2101).window(2000)); // the window update
            assertThat(h.host.received(KEY)).hasSize(2000);
            assertThat(h.eventsOf(LabEvent.DataDelivered.class))
                    .last()
                    .extracting(LabEvent.DataDelivered::bytes)
                    .isEqualTo(2000);
        }

        @Test
        void zeroWindowProbesBackOff() {
            HostHarness h = new HostHarness(HostHarness.plain()).established();
            h.peerSends(peer().seq(101).ack(301).window(0));
            h.host.send(0, KEY, new byte[100]);
            h.expectNothingSent();
            h.advanceTo(1_000_000);
            // The first probe carries a new byte; the later ones repeat it: probes all, never retransmissions.
            h.expectSent(seg("ACK", 301, 101).len(1).probe());
            h.peerSends(peer().seq(101).ack(301).window(0));
            h.expectNothingUntil(2_999_999);
            h.advanceTo(3_000_000);
            h.expectSent(seg("ACK", 301, 101).len(1).probe());
            h.peerSends(peer().seq(101).ack(301).window(0));
            h.expectNothingUntil(6_999_999);
            h.advanceTo(7_000_000);
            h.expectSent(seg("ACK", 301, 101).len(1).probe());
            // The window opens: the unacknowledged probe byte is resent, then the rest.
            h.peerSends(peer().seq(101).ack(301).window(5000));
            h.expectSent(
                    seg("ACK", 301, 101).len(1).retransmission(),
                    seg("ACK,PSH", 302, 101).len(99));
        }
    }
}
