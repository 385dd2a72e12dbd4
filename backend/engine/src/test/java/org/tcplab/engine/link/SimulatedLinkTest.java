package org.tcplab.engine.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.TcpFlag;

class SimulatedLinkTest {

    @Test
    void aPacketArrivesAfterTheLatencyWithItsBytesUntouched() {
        LinkFixture f = new LinkFixture(LinkFixture.latency(10_000));
        Packet p = f.sendAt(500, CLIENT, 10, TcpFlag.SYN);
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(10_500L);
        assertThat(f.arrivals.get(0).packet()).isSameAs(p);
        assertThat(p.to()).isEqualTo(SERVER);
    }

    @Test
    void zeroLatencyStillDeliversThroughTheSchedulerNotInline() {
        LinkFixture f = new LinkFixture(LinkFixture.latency(0));
        f.send(CLIENT, 0, TcpFlag.SYN);
        assertThat(f.arrivals).as("no re-entrant delivery").isEmpty();
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(0L);
    }

    @Test
    void jitterStaysWithinItsBoundsAndNeverReorders() {
        LinkFixture f = new LinkFixture(new LinkConfig(10_000, 5_000, 0, 1500, 1000), 7);
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            sent.add(f.sendAt(i * 100L, CLIENT, 100, TcpFlag.ACK).segmentId());
        }
        f.run();
        assertThat(f.arrivedIds()).as("a single path keeps order").isEqualTo(sent);
        long lastArrival = Long.MIN_VALUE;
        boolean sawJitter = false;
        for (int i = 0; i < 500; i++) {
            long delay = f.arrivalTimes().get(i) - i * 100L;
            assertThat(delay).isBetween(10_000L, 15_000L + 5_000L);
            assertThat(f.arrivalTimes().get(i)).isGreaterThanOrEqualTo(lastArrival);
            lastArrival = f.arrivalTimes().get(i);
            sawJitter |= delay > 10_000L;
        }
        assertThat(sawJitter).isTrue();
    }

    @Test
    void jitterWithoutQueueingIsWithinZeroToJitter() {
        // Sparse packets: none can be held back by its predecessor, so each delay is latency + U[0, jitter].
        LinkFixture f = new LinkFixture(new LinkConfig(10_000, 5_000, 0, 1500, 1000), 3);
        for (int i = 0; i < 200; i++) f.sendAt(i * 100_000L, CLIENT, 0, TcpFlag.ACK);
        f.run();
        for (int i = 0; i < 200; i++) {
            assertThat(f.arrivalTimes().get(i) - i * 100_000L).isBetween(10_000L, 15_000L);
        }
    }

    @Test
    void jitterIsDeterminedByTheSeed() {
        assertThat(jitteredArrivals(11)).isEqualTo(jitteredArrivals(11));
        assertThat(jitteredArrivals(11)).isNotEqualTo(jitteredArrivals(12));
    }

    private static List<Long> jitteredArrivals(long seed) {
        LinkFixture f = new LinkFixture(new LinkConfig(1_000, 50_000, 0, 1500, 1000), seed);
        for (int i = 0; i < 50; i++) f.sendAt(i * 100_000L, i % 2 == 0 ? CLIENT : SERVER, 10, TcpFlag.ACK);
        f.run();
        return f.arrivalTimes();
    }

    @Test
    void bandwidthSerialisesPacketsBackToBack() {
        // 1000 kbit/s: a 1000-byte packet takes 8000 bits / 1e6 bit/s = 8 ms on the wire.
        LinkFixture f = new LinkFixture(new LinkConfig(10_000, 0, 1000, 1500, 1000));
        Packet p = f.packet(CLIENT, "1", 960, TcpFlag.ACK);
        assertThat(p.length()).isEqualTo(1000);
        f.link.transmit(p);
        f.link.transmit(f.packet(CLIENT, "1", 960, TcpFlag.ACK));
        f.link.transmit(f.packet(CLIENT, "1", 960, TcpFlag.ACK));
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(18_000L, 26_000L, 34_000L);
    }

    @Test
    void serialisationTimeRoundsUp() {
        assertThat(SimulatedLink.serialisationUs(1500, 10_000)).isEqualTo(1200);
        assertThat(SimulatedLink.serialisationUs(1, 3)).isEqualTo(2667);
        assertThat(SimulatedLink.serialisationUs(40, 1_000_000)).isEqualTo(1);
    }

    @Test
    void anIdleWireSendsAtOnce() {
        LinkFixture f = new LinkFixture(new LinkConfig(0, 0, 1000, 1500, 1000));
        f.sendAt(0, CLIENT, 85, TcpFlag.ACK); // 125 bytes = 1 ms
        f.sendAt(5_000, CLIENT, 85, TcpFlag.ACK);
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(1_000L, 6_000L);
    }

    @Test
    void aFullQueueDropsTheTail() {
        LinkFixture f = new LinkFixture(new LinkConfig(0, 0, 1000, 1500, 2));
        List<Packet> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) sent.add(f.send(CLIENT, 85, TcpFlag.ACK));
        f.run();
        // One on the wire plus two waiting; the fourth and fifth find the queue full.
        assertThat(f.arrivedIds())
                .containsExactly(
                        sent.get(0).segmentId(),
                        sent.get(1).segmentId(),
                        sent.get(2).segmentId());
        List<LabEvent.SegmentDropped> drops = f.events(LabEvent.SegmentDropped.class);
        assertThat(drops)
                .extracting(LabEvent.SegmentDropped::segmentId)
                .containsExactly(sent.get(3).segmentId(), sent.get(4).segmentId());
        assertThat(drops).allSatisfy(d -> {
            assertThat(d.reason()).isEqualTo("queue");
            assertThat(d.at()).isNull();
            assertThat(d.connection()).isEqualTo("1");
        });
    }

    @Test
    void theQueueDrainsAsPacketsLeave() {
        LinkFixture f = new LinkFixture(new LinkConfig(0, 0, 1000, 1500, 1));
        f.send(CLIENT, 85, TcpFlag.ACK); // on the wire until 1 ms
        f.send(CLIENT, 85, TcpFlag.ACK); // waits, on the wire 1..2 ms
        f.send(CLIENT, 85, TcpFlag.ACK); // dropped
        f.sendAt(1_000, CLIENT, 85, TcpFlag.ACK); // the first has left: room again
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(1_000L, 2_000L, 3_000L);
        assertThat(f.events(LabEvent.SegmentDropped.class)).hasSize(1);
    }

    @Test
    void eachDirectionHasItsOwnQueue() {
        LinkFixture f = new LinkFixture(new LinkConfig(0, 0, 1000, 1500, 0));
        f.send(CLIENT, 85, TcpFlag.ACK);
        f.send(SERVER, 85, TcpFlag.ACK);
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(1_000L, 1_000L);
        assertThat(f.events(LabEvent.SegmentDropped.class)).isEmpty();
    }

    @Test
    void packetsLargerThanTheMtuAreDropped() {
        LinkFixture f = new LinkFixture(new LinkConfig(1_000, 0, 0, 1000, 1000));
        Packet fits = f.send(CLIENT, 960, TcpFlag.ACK); // exactly 1000 bytes
        Packet tooBig = f.send(CLIENT, 961, TcpFlag.ACK);
        f.run();
        assertThat(f.arrivedIds()).containsExactly(fits.segmentId());
        assertThat(f.events(LabEvent.SegmentDropped.class)).singleElement().satisfies(d -> {
            assertThat(d.segmentId()).isEqualTo(tooBig.segmentId());
            assertThat(d.reason()).isEqualTo("mtu");
        });
    }

    @Test
    void aNewConfigurationAppliesToPacketsSentAfterIt() {
        LinkFixture f = new LinkFixture(LinkFixture.latency(10_000));
        f.send(CLIENT, 0, TcpFlag.ACK);
        f.link.configure(LinkFixture.latency(30_000));
        f.send(CLIENT, 0, TcpFlag.ACK);
        f.run();
        assertThat(f.arrivalTimes()).containsExactly(10_000L, 30_000L);
        assertThat(f.link.config().latencyUs()).isEqualTo(30_000);
    }
}
