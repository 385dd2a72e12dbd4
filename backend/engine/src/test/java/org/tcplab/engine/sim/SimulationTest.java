package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpSegment;

/** The simulation end to end: both hosts are our stack, the link is simulated, time is virtual. */
class SimulationTest {

    private final EventLog log = new EventLog();
    private Simulation sim;

    @BeforeEach
    void newLab() {
        sim = new Simulation(SimConfig.defaults(1), log);
    }

    private void settle() {
        assertThat(sim.runUntilIdle(1_000_000)).as("the simulation settles").isTrue();
    }

    private <T extends LabEvent> List<T> events(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LoggedEvent e : log.all()) {
            if (type.isInstance(e.event())) out.add(type.cast(e.event()));
        }
        return out;
    }

    private TcpState state(HostName host, String connection) {
        var key = sim.connectionKey(connection, host);
        return sim.host(host).connections().stream()
                .filter(s -> s.key().equals(key))
                .map(ConnectionSnapshot::state)
                .findFirst()
                .orElse(TcpState.CLOSED);
    }

    private String handshake() {
        sim.listen(SERVER, 80);
        String c = sim.connect(CLIENT, 40000, 80, SeqNum.of(1000), SeqNum.of(5000), false);
        sim.runUntil(sim.nowUs() + 100_000);
        return c;
    }

    @Nested
    class Handshake {

        @Test
        void threeSegmentsWithThePinnedIsnsAndOneConnectionId() {
            String c = handshake();
            assertThat(c).isEqualTo("1");
            List<LabEvent.SegmentSent> sent = events(LabEvent.SegmentSent.class);
            assertThat(sent).hasSizeGreaterThanOrEqualTo(3);
            assertThat(sent.subList(0, 3))
                    .extracting(s -> s.segment().flags())
                    .containsExactly(List.of("SYN"), List.of("ACK", "SYN"), List.of("ACK"));
            assertThat(sent.subList(0, 3))
                    .extracting(LabEvent.SegmentSent::segmentId)
                    .containsExactly(1L, 2L, 3L);
            assertThat(sent.subList(0, 3))
                    .extracting(LabEvent.SegmentSent::from)
                    .containsExactly(CLIENT, SERVER, CLIENT);
            assertThat(sent).allSatisfy(s -> {
                assertThat(s.connection()).isEqualTo("1");
                assertThat(s.retransmission()).isFalse();
                assertThat(s.note()).isNull();
                assertThat(s.segment().checksumOk()).isTrue();
            });
            assertThat(sent.get(0).segment().seq()).isEqualTo(1000);
            assertThat(sent.get(1).segment().seq()).isEqualTo(5000);
            assertThat(sent.get(1).segment().ack()).isEqualTo(1001);
            assertThat(sent.get(0).segment().srcIp()).isEqualTo("192.0.2.1");
            assertThat(sent.get(0).segment().dstIp()).isEqualTo("192.0.2.2");
            assertThat(state(CLIENT, c)).isEqualTo(TcpState.ESTABLISHED);
            assertThat(state(SERVER, c)).isEqualTo(TcpState.ESTABLISHED);
        }

        @Test
        void eachSegmentIsDeliveredOneLatencyLaterBeforeTheReceiverReacts() {
            handshake();
            List<LoggedEvent> all = log.all();
            LabEvent.SegmentSent syn = events(LabEvent.SegmentSent.class).get(0);
            LabEvent.SegmentDelivered first =
                    events(LabEvent.SegmentDelivered.class).get(0);
            assertThat(syn.timeUs()).isZero();
            assertThat(first.segmentId()).isEqualTo(syn.segmentId());
            assertThat(first.timeUs()).isEqualTo(10_000);
            assertThat(first.to()).isEqualTo(SERVER);
            int delivered = -1;
            int synAck = -1;
            for (int i = 0; i < all.size(); i++) {
                LabEvent e = all.get(i).event();
                if (e instanceof LabEvent.SegmentDelivered d && d.segmentId() == 1 && delivered < 0) delivered = i;
                if (e instanceof LabEvent.SegmentSent s && s.segmentId() == 2) synAck = i;
            }
            assertThat(delivered).isLessThan(synAck);
        }

        @Test
        void simultaneousOpenSendsBothSynsAtOnceAndEstablishes() {
            String c = sim.connect(CLIENT, 5000, 6000, SeqNum.of(100), SeqNum.of(300), true);
            settleHandshake();
            List<LabEvent.SegmentSent> sent = events(LabEvent.SegmentSent.class);
            assertThat(sent.subList(0, 2)).extracting(s -> s.segment().flags()).containsOnly(List.of("SYN"));
            assertThat(sent.subList(0, 2))
                    .extracting(LabEvent.SegmentSent::timeUs)
                    .containsOnly(0L);
            assertThat(sent.subList(0, 2)).extracting(s -> s.segment().seq()).containsExactly(100L, 300L);
            assertThat(sent).extracting(LabEvent.SegmentSent::connection).containsOnly(c);
            assertThat(state(CLIENT, c)).isEqualTo(TcpState.ESTABLISHED);
            assertThat(state(SERVER, c)).isEqualTo(TcpState.ESTABLISHED);
        }

        private void settleHandshake() {
            sim.runUntil(sim.nowUs() + 200_000);
        }

        @Test
        void aLostSynIsRetransmittedAndMarkedSo() {
            sim.addFault(FaultRule.of(Direction.CLIENT_TO_SERVER, FaultAction.DROP)
                    .withOnlyFlags(TcpFlags.SYN)
                    .withCount(1));
            String c = handshake();
            sim.runUntil(3_000_000);
            List<LabEvent.SegmentSent> syns = events(LabEvent.SegmentSent.class).stream()
                    .filter(s -> s.segment().flags().equals(List.of("SYN")))
                    .toList();
            assertThat(syns).hasSize(2);
            assertThat(syns.get(1).retransmission()).isTrue();
            assertThat(syns.get(1).timeUs()).as("RFC 6298 §2.1 initial RTO").isEqualTo(1_000_000);
            assertThat(events(LabEvent.SegmentDropped.class)).singleElement().satisfies(d -> assertThat(d.reason())
                    .isEqualTo("fault"));
            assertThat(state(CLIENT, c)).isEqualTo(TcpState.ESTABLISHED);
        }
    }

    @Nested
    class Data {

        @Test
        void bytesSentArriveInOrder() {
            String c = handshake();
            byte[] data = "hello, lab".getBytes(StandardCharsets.US_ASCII);
            sim.send(c, CLIENT, data);
            sim.send(c, SERVER, "back".getBytes(StandardCharsets.US_ASCII));
            sim.runUntil(sim.nowUs() + 500_000);
            assertThat(sim.received(c, SERVER)).isEqualTo(data);
            assertThat(sim.received(c, CLIENT)).isEqualTo("back".getBytes(StandardCharsets.US_ASCII));
            assertThat(events(LabEvent.DataDelivered.class)).isNotEmpty();
        }

        @Test
        void closeOnBothSidesEndsInClosedAfterTimeWait() {
            String c = handshake();
            sim.close(c, CLIENT);
            sim.runUntil(sim.nowUs() + 100_000);
            assertThat(state(SERVER, c)).isEqualTo(TcpState.CLOSE_WAIT);
            sim.close(c, SERVER);
            sim.runUntil(sim.nowUs() + 100_000);
            assertThat(state(CLIENT, c)).isEqualTo(TcpState.TIME_WAIT);
            settle();
            assertThat(sim.nowUs())
                    .as("TIME-WAIT lasts 2 MSL")
                    .isGreaterThanOrEqualTo(2 * sim.config().client().mslUs());
            assertThat(state(CLIENT, c)).isEqualTo(TcpState.CLOSED);
            assertThat(state(SERVER, c)).isEqualTo(TcpState.CLOSED);
        }

        @Test
        void aCorruptedSegmentIsDroppedByTheReceiverOnItsChecksum() {
            String c = handshake();
            sim.addFault(FaultRule.of(Direction.CLIENT_TO_SERVER, FaultAction.CORRUPT)
                    .withCount(1));
            sim.send(c, CLIENT, new byte[] {1, 2, 3});
            sim.runUntil(sim.nowUs() + 3_000_000);
            assertThat(events(LabEvent.SegmentDropped.class)).anySatisfy(d -> {
                assertThat(d.at()).isEqualTo(SERVER);
                assertThat(d.reason()).startsWith("checksum");
            });
            // The sender retransmits and the data gets through after all.
            assertThat(sim.received(c, SERVER)).containsExactly(1, 2, 3);
        }

        @Test
        void aReorderedSegmentArrivesAfterItsSuccessorAndTheBytesStillComeInOrder() {
            String c = handshake();
            sim.addFault(FaultRule.of(Direction.CLIENT_TO_SERVER, FaultAction.REORDER)
                    .withCount(1));
            byte[] data = new byte[3000];
            for (int i = 0; i < data.length; i++) data[i] = (byte) i;
            long firstDataId = events(LabEvent.SegmentSent.class).size() + 1L;
            sim.send(c, CLIENT, data);
            sim.runUntil(sim.nowUs() + 2_000_000);
            List<Long> deliveredToServer = events(LabEvent.SegmentDelivered.class).stream()
                    .filter(d -> d.to() == SERVER && d.segmentId() >= firstDataId)
                    .map(LabEvent.SegmentDelivered::segmentId)
                    .toList();
            assertThat(deliveredToServer.get(0)).isEqualTo(firstDataId + 1);
            assertThat(deliveredToServer.get(1)).isEqualTo(firstDataId);
            assertThat(sim.received(c, SERVER)).isEqualTo(data);
        }

        @Test
        void aSegmentLargerThanTheLinkMtuIsDroppedOnTheLink() {
            String c = handshake();
            sim.setLink(new LinkConfig(10_000, 0, 0, 576, 1000));
            sim.send(c, CLIENT, new byte[1000]);
            sim.runUntil(sim.nowUs() + 100_000);
            assertThat(events(LabEvent.SegmentDropped.class)).anySatisfy(d -> {
                assertThat(d.reason()).isEqualTo("mtu");
                assertThat(d.at()).isNull();
                assertThat(d.connection()).isEqualTo(c);
            });
            assertThat(sim.link().mtu()).isEqualTo(576);
        }

        @Test
        void aDuplicateIsASegmentOfItsOwnNotedSo() {
            String c = handshake();
            sim.addFault(FaultRule.of(Direction.CLIENT_TO_SERVER, FaultAction.DUPLICATE)
                    .withCount(1));
            sim.send(c, CLIENT, new byte[] {9});
            sim.runUntil(sim.nowUs() + 500_000);
            List<LabEvent.SegmentSent> dups = events(LabEvent.SegmentSent.class).stream()
                    .filter(s -> "duplicate".equals(s.note()))
                    .toList();
            assertThat(dups)
                    .singleElement()
                    .satisfies(d -> assertThat(d.segment().payloadLength()).isEqualTo(1));
            assertThat(sim.received(c, SERVER)).containsExactly(9);
        }
    }

    @Nested
    class LabActions {

        @Test
        void aCrashedHostForgetsEverythingAndAnswersWithReset() {
            String c = handshake();
            sim.crash(SERVER);
            assertThat(sim.host(SERVER).connections()).isEmpty();
            assertThat(sim.host(SERVER).listeners()).isEmpty();
            int sentBefore = events(LabEvent.SegmentSent.class).size();
            sim.send(c, CLIENT, new byte[] {1});
            sim.runUntil(sim.nowUs() + 500_000);
            assertThat(events(LabEvent.SegmentSent.class)
                            .subList(
                                    sentBefore,
                                    events(LabEvent.SegmentSent.class).size()))
                    .anySatisfy(s -> {
                        assertThat(s.from()).isEqualTo(SERVER);
                        assertThat(s.segment().flags()).contains("RST");
                    });
        }

        @Test
        void anInjectedOldDuplicateSynEntersTheLinkAsCrafted() {
            sim.listen(SERVER, 80);
            long id = sim.inject(
                    CLIENT,
                    TcpSegment.builder(40000, 80)
                            .seq(90)
                            .flags(TcpFlag.SYN)
                            .window(1000)
                            .build(),
                    0);
            sim.runUntil(100_000);
            LabEvent.SegmentSent crafted = events(LabEvent.SegmentSent.class).get(0);
            assertThat(crafted.segmentId()).isEqualTo(id);
            assertThat(crafted.note()).isEqualTo("crafted");
            assertThat(crafted.connection()).isEqualTo("1");
            assertThat(events(LabEvent.SegmentSent.class)).anySatisfy(s -> {
                assertThat(s.from()).isEqualTo(SERVER);
                assertThat(s.segment().flags()).containsExactly("ACK", "SYN");
                assertThat(s.segment().ack()).isEqualTo(91);
            });
        }

        @Test
        void aDelayedInjectionEntersTheLinkLater() {
            sim.listen(SERVER, 80);
            sim.inject(
                    CLIENT,
                    TcpSegment.builder(40000, 80)
                            .seq(90)
                            .flags(TcpFlag.SYN)
                            .window(1000)
                            .build(),
                    30_000);
            assertThat(events(LabEvent.SegmentSent.class)).isEmpty();
            sim.runUntil(100_000);
            assertThat(events(LabEvent.SegmentSent.class).get(0).timeUs()).isEqualTo(30_000);
        }

        @Test
        void scheduledActionsRunInTimeOrderAndForbiddenOnesBecomeNotes() {
            sim.listen(SERVER, 80);
            List<Long> times = new ArrayList<>();
            sim.schedule(50_000, () -> times.add(sim.nowUs()));
            sim.schedule(20_000, () -> sim.connect(CLIENT, 40000, 80, null, null, false));
            sim.schedule(30_000, () -> sim.send("7", CLIENT, new byte[1]));
            sim.runUntil(60_000);
            assertThat(times).containsExactly(50_000L);
            assertThat(events(LabEvent.SegmentSent.class).get(0).timeUs()).isEqualTo(20_000);
            assertThat(events(LabEvent.Note.class)).singleElement().satisfies(n -> assertThat(n.text())
                    .contains("unknown connection"));
            assertThatThrownBy(() -> sim.schedule(10_000, () -> {})).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void badCallsAreRefusedWithTheRightException() {
            assertThatThrownBy(() -> sim.send("1", CLIENT, new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sim.listen(SERVER, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sim.connect(CLIENT, 70000, 80, null, null, false))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sim.inject(CLIENT, TcpSegment.builder(1, 2).build(), -1))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> sim.setLink(new LinkConfig(-1, 0, 0, 1500, 10)))
                    .isInstanceOf(IllegalArgumentException.class);
            sim.listen(SERVER, 80);
            assertThatThrownBy(() -> sim.listen(SERVER, 80)).isInstanceOf(TcpUserException.class);
            sim.connect(CLIENT, 40000, 80, null, null, false);
            assertThatThrownBy(() -> sim.connect(CLIENT, 40000, 80, null, null, false))
                    .isInstanceOf(TcpUserException.class);
        }

        @Test
        void stepAndNextEventWalkTheRunOneOccurrenceAtATime() {
            sim.listen(SERVER, 80);
            sim.connect(CLIENT, 40000, 80, null, null, false);
            assertThat(sim.nextEventUs()).isEqualTo(10_000);
            assertThat(sim.step()).isTrue();
            assertThat(sim.nowUs()).isEqualTo(10_000);
            assertThat(events(LabEvent.SegmentDelivered.class)).hasSize(1);
            sim.runUntil(15_000);
            assertThat(sim.nowUs()).isEqualTo(15_000);
        }

        @Test
        void wakeUpsFollowThePollDeadlineSoAQuietLabIsIdleAtOnce() {
            handshake();
            // The SYN's retransmission deadline (1 s) was cancelled by the SYN-ACK: no stale wake-up
            // may drag the clock there, and nothing may stay pending once the hosts are quiet.
            settle();
            assertThat(sim.nowUs()).isLessThan(1_000_000);
            assertThat(sim.nextEventUs()).isEqualTo(Long.MAX_VALUE);
            assertThat(sim.step()).isFalse();
            assertThat(sim.host(CLIENT).pollAt()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void faultsGetIdsAndCanBeListedAndRemoved() {
            FaultRule a =
                    sim.addFault(FaultRule.of(Direction.BOTH, FaultAction.DROP).withFlags(TcpFlags.RST));
            FaultRule b =
                    sim.addFault(FaultRule.of(Direction.BOTH, FaultAction.DELAY).withDelayUs(5));
            assertThat(sim.faults()).extracting(FaultRule::id).containsExactly(1, 2);
            assertThat(sim.removeFault(a.id())).isTrue();
            assertThat(sim.faults()).containsExactly(b);
        }
    }
}
