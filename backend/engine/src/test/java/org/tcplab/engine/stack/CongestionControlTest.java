package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.stack.HostHarness.KEY;
import static org.tcplab.engine.stack.HostHarness.peer;
import static org.tcplab.engine.stack.HostHarness.seg;
import static org.tcplab.engine.wire.TcpFlag.SYN;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.wire.TcpOption;

/** RFC 5681 and RFC 6582 (NewReno), segment by segment. MSS 1000, so the initial window is 4 segments. */
class CongestionControlTest {

    /** Established (host ISS 300, peer 100), MSS 1000 both ways, a large peer window. */
    private static HostHarness established() {
        HostHarness h = new HostHarness(HostHarness.plain()).listen();
        h.peerSends(peer().seq(100).flags(SYN).window(60_000).options(new TcpOption.MaxSegmentSize(1000)));
        h.expectSent("SYN,ACK", 300, 101);
        h.peerSends(peer().seq(101).ack(301).window(60_000));
        return h;
    }

    private static void ack(HostHarness h, long ack) {
        h.peerSends(peer().seq(101).ack(ack).window(60_000));
    }

    @Test
    void initialWindowIsFourSegmentsOfThisSize() { // RFC 5681 §3.1: SMSS <= 1095 -> 4 segments
        HostHarness h = established();
        assertThat(h.snapshot().cwnd()).isEqualTo(4000);
        h.host.send(0, KEY, new byte[10_000]);
        h.expectSent(
                seg("ACK", 301, 101).len(1000),
                seg("ACK", 1301, 101).len(1000),
                seg("ACK", 2301, 101).len(1000),
                seg("ACK", 3301, 101).len(1000));
    }

    @Test
    void slowStartGrowsOneSegmentPerAck() {
        HostHarness h = established();
        h.host.send(0, KEY, new byte[10_000]);
        h.discardSent();
        ack(h, 1301);
        assertThat(h.snapshot().cwnd()).isEqualTo(5000);
        // One segment acked, cwnd up by one: two new segments go.
        h.expectSent(seg("ACK", 4301, 101).len(1000), seg("ACK", 5301, 101).len(1000));
    }

    @Test
    void thirdDuplicateAckTriggersFastRetransmitAndRecovery() {
        HostHarness h = established();
        h.host.send(0, KEY, new byte[4000]);
        h.discardSent();
        ack(h, 301);
        ack(h, 301);
        h.expectNothingSent();
        ack(h, 301); // the third duplicate
        h.expectSent(seg("ACK", 301, 101).len(1000).retransmission());
        assertThat(h.snapshot().ssthresh()).isEqualTo(2000); // max(FlightSize / 2, 2 * SMSS)
        assertThat(h.snapshot().cwnd()).isEqualTo(2000 + 3000); // ssthresh + 3 * SMSS
        assertThat(h.eventsOf(LabEvent.CongestionChanged.class))
                .last()
                .extracting(LabEvent.CongestionChanged::cause)
                .isEqualTo("3 duplicate ACKs: fast retransmit");
    }

    @Test
    void partialAckRetransmitsTheNextHoleAndFullAckEndsRecovery() {
        HostHarness h = established();
        h.host.send(0, KEY, new byte[4000]);
        h.discardSent();
        for (int i = 0; i < 3; i++) ack(h, 301);
        h.expectSent(seg("ACK", 301, 101).len(1000).retransmission());
        ack(h, 1301); // RFC 6582 partial ACK: 1301..4301 still outstanding
        h.expectSent(seg("ACK", 1301, 101).len(1000).retransmission());
        ack(h, 4301); // full ACK: everything up to "recover"
        // RFC 6582 §3.2 step 3 (1): min(ssthresh, max(FlightSize, SMSS) + SMSS) = min(2000, 1000 + 1000)
        assertThat(h.snapshot().cwnd()).isEqualTo(2000);
        assertThat(h.eventsOf(LabEvent.CongestionChanged.class))
                .last()
                .extracting(LabEvent.CongestionChanged::cause)
                .isEqualTo("fast recovery exit (full ACK)");
    }

    @Test
    void timeoutCollapsesTheWindowToOneSegment() {
        HostHarness h = established();
        h.host.send(0, KEY, new byte[4000]);
        h.discardSent();
        h.advanceTo(1_000_000);
        assertThat(h.snapshot().cwnd()).isEqualTo(1000); // RFC 5681 §3.1: LW = 1 SMSS
        assertThat(h.snapshot().ssthresh()).isEqualTo(2000);
        h.expectSent(seg("ACK", 301, 101).len(1000).retransmission()); // go-back-N, one segment at first
        ack(h, 1301);
        h.expectSent(
                seg("ACK", 1301, 101).len(1000).retransmission(),
                seg("ACK", 2301, 101).len(1000).retransmission());
    }

    @Test
    void karnsRuleTakesNoSampleFromARetransmission() {
        HostHarness h = established();
        long srttAfterHandshake = h.snapshot().srttUs();
        h.host.send(0, KEY, new byte[100]);
        h.advanceTo(1_000_000);
        h.expectSent(
                seg("ACK,PSH", 301, 101).len(100),
                seg("ACK,PSH", 301, 101).len(100).retransmission());
        h.advanceTo(1_100_000);
        ack(h, 401);
        assertThat(h.snapshot().srttUs()).isEqualTo(srttAfterHandshake);
        assertThat(h.snapshot().rtoUs()).isEqualTo(2_000_000); // still backed off
    }
}
