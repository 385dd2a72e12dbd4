package org.tcplab.engine.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;
import static org.tcplab.engine.link.Direction.BOTH;
import static org.tcplab.engine.link.Direction.CLIENT_TO_SERVER;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpFlags;

class FaultyLinkTest {

    private final LinkFixture f = new LinkFixture(LinkFixture.latency(10_000));

    @Nested
    class Actions {

        @Test
        void dropRemovesTheSegmentAndSaysWhy() {
            FaultRule r = f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP));
            Packet p = f.send(CLIENT, 0, TcpFlag.SYN);
            f.run();
            assertThat(f.arrivals).isEmpty();
            assertThat(f.events(LabEvent.FaultApplied.class)).singleElement().satisfies(e -> {
                assertThat(e.faultId()).isEqualTo(r.id());
                assertThat(e.segmentId()).isEqualTo(p.segmentId());
                assertThat(e.action()).isEqualTo("drop");
                assertThat(e.connection()).isEqualTo("1");
            });
            assertThat(f.events(LabEvent.SegmentDropped.class)).singleElement().satisfies(d -> {
                assertThat(d.reason()).isEqualTo("fault");
                assertThat(d.segmentId()).isEqualTo(p.segmentId());
            });
            // The fault is logged before the drop it causes.
            assertThat(f.log.all().get(0).event()).isInstanceOf(LabEvent.FaultApplied.class);
        }

        @Test
        void delayAddsItsDelayAndLetsLaterSegmentsOvertake() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DELAY)
                    .withCount(1)
                    .withDelayUs(25_000));
            Packet a = f.send(CLIENT, 0, TcpFlag.ACK);
            Packet b = f.sendAt(1_000, CLIENT, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(b.segmentId(), a.segmentId());
            assertThat(f.arrivalTimes()).containsExactly(11_000L, 35_000L);
        }

        @Test
        void duplicateDeliversACopyWithItsOwnIdRightBehindTheOriginal() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DUPLICATE).withCount(1));
            Packet a = f.send(CLIENT, 5, TcpFlag.ACK, TcpFlag.PSH);
            f.run();
            assertThat(f.arrivals).hasSize(2);
            Packet copy = f.arrivals.get(1).packet();
            assertThat(f.arrivals.get(0).packet().segmentId()).isEqualTo(a.segmentId());
            assertThat(copy.segmentId()).isNotEqualTo(a.segmentId());
            assertThat(copy.bytes()).isEqualTo(a.bytes());
            assertThat(f.arrivalTimes()).containsExactly(10_000L, 10_000L);
        }

        @Test
        void reorderHoldsASegmentUntilTheNextOneInItsDirectionArrived() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.REORDER).withCount(1));
            Packet a = f.send(CLIENT, 0, TcpFlag.ACK);
            Packet other = f.sendAt(500, SERVER, 0, TcpFlag.ACK); // the other direction does not release it
            Packet b = f.sendAt(1_000, CLIENT, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(other.segmentId(), b.segmentId(), a.segmentId());
            assertThat(f.arrivalTimes()).containsExactly(10_500L, 11_000L, 11_000L);
        }

        @Test
        void reorderGivesUpWaitingAfterItsBound() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.REORDER).withDelayUs(50_000));
            f.send(CLIENT, 0, TcpFlag.SYN);
            f.run();
            assertThat(f.arrivalTimes()).containsExactly(60_000L);
        }

        @Test
        void reorderWithoutABoundUsesTheDefault() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.REORDER));
            f.send(CLIENT, 0, TcpFlag.SYN);
            f.run();
            assertThat(f.arrivalTimes()).containsExactly(10_000L + FaultyLink.DEFAULT_REORDER_HOLD_US);
        }

        @Test
        void corruptFlipsExactlyOneBitOfTheTcpPartAndTheChecksumCatchesIt() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.CORRUPT));
            List<Packet> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) sent.add(f.send(CLIENT, i % 40, TcpFlag.ACK, TcpFlag.PSH));
            f.run();
            assertThat(f.arrivals).hasSize(200);
            for (int i = 0; i < 200; i++) {
                byte[] before = sent.get(i).bytes();
                byte[] after = f.arrivals.get(i).packet().bytes();
                int differingBits = 0;
                int firstDiff = -1;
                for (int j = 0; j < before.length; j++) {
                    int d = Integer.bitCount((before[j] ^ after[j]) & 0xff);
                    if (d > 0 && firstDiff < 0) firstDiff = j;
                    differingBits += d;
                }
                assertThat(differingBits).isEqualTo(1);
                assertThat(firstDiff).as("the IPv4 header is left alone").isGreaterThanOrEqualTo(20);
                assertThat(TcpCodec.decode(after))
                        .isInstanceOfSatisfying(TcpCodec.Decoded.Rejected.class, r -> assertThat(r.reason())
                                .startsWith("checksum"));
                assertThat(TcpCodec.decode(before)).isInstanceOf(TcpCodec.Decoded.Accepted.class);
            }
        }
    }

    @Nested
    class Matching {

        @Test
        void directionLimitsTheRule() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP));
            f.send(CLIENT, 0, TcpFlag.ACK);
            Packet s = f.send(SERVER, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(s.segmentId());
        }

        @Test
        void bothDirectionsMeansBoth() {
            f.link.add(FaultRule.of(BOTH, FaultAction.DROP));
            f.send(CLIENT, 0, TcpFlag.ACK);
            f.send(SERVER, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivals).isEmpty();
        }

        @Test
        void flagsMatchSegmentsHavingAllOfThem() {
            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withFlags(TcpFlags.SYN));
            f.send(CLIENT, 0, TcpFlag.SYN);
            f.send(SERVER, 0, TcpFlag.SYN, TcpFlag.ACK);
            Packet ack = f.send(CLIENT, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(ack.segmentId());
        }

        @Test
        void onlyFlagsMatchExactly() {
            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withOnlyFlags(TcpFlags.SYN));
            f.send(CLIENT, 0, TcpFlag.SYN);
            Packet synAck = f.send(SERVER, 0, TcpFlag.SYN, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(synAck.segmentId());
        }

        @Test
        void connectionMatchesOneLabConnection() {
            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withConnection("2"));
            Packet one = f.packet(CLIENT, "1", 0, TcpFlag.ACK);
            Packet two = f.packet(CLIENT, "2", 0, TcpFlag.ACK);
            Packet unknown = f.packet(CLIENT, null, 0, TcpFlag.ACK);
            f.link.transmit(one);
            f.link.transmit(two);
            f.link.transmit(unknown);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(one.segmentId(), unknown.segmentId());
        }

        @Test
        void nthActsFromTheNthMatchingSegmentOn() {
            f.link.add(
                    FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP).withNth(3).withFlags(TcpFlags.ACK));
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                f.send(SERVER, 0, TcpFlag.ACK); // does not match: not counted
                ids.add(f.send(CLIENT, 0, TcpFlag.ACK).segmentId());
            }
            f.run();
            assertThat(f.events(LabEvent.FaultApplied.class))
                    .extracting(LabEvent.FaultApplied::segmentId)
                    .containsExactly(ids.get(2), ids.get(3), ids.get(4));
        }

        @Test
        void countLimitsHowOftenTheRuleActs() {
            f.link.add(
                    FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP).withNth(2).withCount(2));
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) ids.add(f.send(CLIENT, 0, TcpFlag.ACK).segmentId());
            f.run();
            assertThat(f.events(LabEvent.FaultApplied.class))
                    .extracting(LabEvent.FaultApplied::segmentId)
                    .containsExactly(ids.get(1), ids.get(2));
            assertThat(f.arrivedIds()).containsExactly(ids.get(0), ids.get(3), ids.get(4), ids.get(5));
        }

        @Test
        void probabilityActsOnAboutThatShareAndFollowsTheSeed() {
            List<Long> first = droppedWithProbability(0.3, 5);
            assertThat(first.size()).isBetween(240, 360); // 1000 x 0.3, more than 5 sigma of slack
            assertThat(droppedWithProbability(0.3, 5)).isEqualTo(first);
            assertThat(droppedWithProbability(0.3, 6)).isNotEqualTo(first);
        }

        @Test
        void probabilityOneAlwaysActsAndZeroNever() {
            assertThat(droppedWithProbability(1.0, 5)).hasSize(1000);
            assertThat(droppedWithProbability(0.0, 5)).isEmpty();
        }

        private List<Long> droppedWithProbability(double p, long seed) {
            LinkFixture g = new LinkFixture(LinkFixture.latency(1_000), seed);
            g.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP).withProbability(p));
            for (int i = 0; i < 1000; i++) g.send(CLIENT, 0, TcpFlag.ACK);
            g.run();
            return g.events(LabEvent.SegmentDropped.class).stream()
                    .map(LabEvent.SegmentDropped::segmentId)
                    .toList();
        }

        @Test
        void theFirstRuleThatFiresActsAlone() {
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DELAY)
                    .withDelayUs(5_000)
                    .withCount(1));
            f.link.add(FaultRule.of(CLIENT_TO_SERVER, FaultAction.DROP).withCount(1));
            Packet a = f.send(CLIENT, 0, TcpFlag.ACK);
            Packet b = f.send(CLIENT, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivedIds()).containsExactly(a.segmentId());
            assertThat(f.events(LabEvent.FaultApplied.class))
                    .extracting(LabEvent.FaultApplied::action)
                    .containsExactly("delay", "drop");
            assertThat(f.events(LabEvent.SegmentDropped.class))
                    .extracting(LabEvent.SegmentDropped::segmentId)
                    .containsExactly(b.segmentId());
        }
    }

    @Nested
    class Rules {

        @Test
        void idsAreAssignedInOrderAndRulesCanBeRemoved() {
            FaultRule a = f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withId(99));
            FaultRule b = f.link.add(FaultRule.of(BOTH, FaultAction.DELAY).withDelayUs(1));
            assertThat(a.id()).isEqualTo(1);
            assertThat(b.id()).isEqualTo(2);
            assertThat(f.link.rules()).containsExactly(a, b);
            assertThat(f.link.remove(1)).isTrue();
            assertThat(f.link.remove(1)).isFalse();
            assertThat(f.link.rules()).containsExactly(b);
            assertThat(f.link.add(FaultRule.of(BOTH, FaultAction.DROP)).id())
                    .as("ids are not reused")
                    .isEqualTo(3);
        }

        @Test
        void aRemovedRuleNoLongerActs() {
            FaultRule r = f.link.add(FaultRule.of(BOTH, FaultAction.DROP));
            f.link.remove(r.id());
            f.send(CLIENT, 0, TcpFlag.ACK);
            f.run();
            assertThat(f.arrivals).hasSize(1);
        }

        @Test
        void badRulesAreRefused() {
            assertThatThrownBy(() ->
                            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withCount(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("count");
            assertThatThrownBy(() ->
                            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withProbability(1.5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("probability");
            assertThatThrownBy(() ->
                            f.link.add(FaultRule.of(BOTH, FaultAction.DROP).withNth(-2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nth");
            assertThatThrownBy(() -> f.link.add(FaultRule.of(null, FaultAction.DROP)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("direction");
            assertThatThrownBy(() ->
                            f.link.add(FaultRule.of(BOTH, FaultAction.DELAY).withDelayUs(-5)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(f.link.rules()).isEmpty();
        }
    }
}
