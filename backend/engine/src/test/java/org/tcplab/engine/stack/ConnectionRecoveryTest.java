package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TimerKind;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/** Two hosts on the in-test link: handshakes and transfers that lose segments and recover. */
class ConnectionRecoveryTest {

    private static boolean isPureSyn(TwoHosts.Wire w) {
        return w.segment().flags().syn() && !w.segment().flags().ack();
    }

    @Test
    void lostSynsAreRetransmittedAfter1Then2Then4Seconds() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.server.listen(0, 80, 8);
        net.dropNext(ConnectionRecoveryTest::isPureSyn);
        net.dropNext(ConnectionRecoveryTest::isPureSyn);
        net.dropNext(ConnectionRecoveryTest::isPureSyn);
        net.client.open(0, 1000, TwoHosts.B, 80, null);
        net.runUntil(10_000_000);
        List<Long> synTimes = net.wire.stream()
                .filter(ConnectionRecoveryTest::isPureSyn)
                .map(TwoHosts.Wire::atUs)
                .toList();
        assertThat(synTimes).containsExactly(0L, 1_000_000L, 3_000_000L, 7_000_000L);
        assertThat(net.wire.stream().filter(ConnectionRecoveryTest::isPureSyn).skip(1))
                .allMatch(TwoHosts.Wire::retransmission);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void lostSynAckRecovers() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.dropNext(w -> w.segment().flags().syn() && w.segment().flags().ack());
        net.handshake(100, 300);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.SYN_SENT);
        net.runUntil(1_100_000);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void lostFinalAckRecoversWhenTheServerRetransmitsItsSynAck() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.dropNext(w -> w.from() == CLIENT && w.segment().flags().equals(org.tcplab.engine.wire.TcpFlags.ACK));
        net.handshake(100, 300);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.SYN_RECEIVED);
        net.runUntil(1_100_000);
        // The server's SYN,ACK retransmission is out of the client's window: it answers with an ACK.
        assertThat(net.trace()).contains("B>A <SEQ=300><ACK=101><CTL=SYN,ACK>", "A>B <SEQ=101><ACK=301><CTL=ACK>");
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void lostFinalAckRecoversAtOnceWhenDataFollows() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.dropNext(w -> w.from() == CLIENT && w.segment().flags().equals(org.tcplab.engine.wire.TcpFlags.ACK));
        var k = net.handshake(100, 300);
        net.client.send(net.now, k, "GET".getBytes(StandardCharsets.US_ASCII));
        net.runFor(50_000);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).hasSize(3);
    }

    /** An old duplicate SYN carrying an old request, when the client is not connecting at all. */
    private static TcpSegment oldRequest() {
        return TcpSegment.builder(1000, 80)
                .seq(90)
                .flags(TcpFlag.SYN)
                .window(10_000)
                .payload("PAY 100".getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    @Test
    void twoWayHandshakeAcceptsAnOldDuplicateAndHoldsItForever() {
        TwoHosts net = new TwoHosts(HostHarness.plain(), HostHarness.plain().withTwoWayHandshake(true));
        net.server.listen(0, 80, 8);
        net.dropAll(w -> w.from() == CLIENT && w.segment().flags().rst()); // the client's rejection is lost
        net.inject(CLIENT, oldRequest());
        net.runUntil(600_000_000L);
        // The server believed the old SYN, delivered its stale request, and still holds the connection.
        assertThat(net.states(SERVER)).containsExactly("ESTABLISHED");
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80)))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("PAY 100");
        // The client, which never asked for it, rejected it (its RST is on the wire, dropped).
        assertThat(net.wire)
                .anyMatch(w -> w.from() == CLIENT && w.segment().flags().rst() && w.dropped());
    }

    @Test
    void twoWayHandshakeDeliversTheStaleRequestBeforeTheRejectionArrives() {
        TwoHosts net = new TwoHosts(HostHarness.plain(), HostHarness.plain().withTwoWayHandshake(true));
        net.server.listen(0, 80, 8);
        net.inject(CLIENT, oldRequest());
        net.runUntil(1_000_000);
        assertThat(net.states(SERVER)).containsExactly("ESTABLISHED", "CLOSED");
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).hasSize(7); // the damage is done
        assertThat(net.errors(SERVER)).containsExactly("reset");
    }

    @Test
    void threeWayHandshakeNeverDeliversTheOldDuplicateAndGivesUp() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.server.listen(0, 80, 8);
        net.dropAll(w -> w.from() == CLIENT && w.segment().flags().rst());
        net.inject(CLIENT, oldRequest());
        net.runUntil(600_000_000L);
        assertThat(net.states(SERVER)).containsExactly("SYN_RECEIVED", "CLOSED");
        assertThat(net.errors(SERVER)).containsExactly("timeout");
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).isEmpty();
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + i / 251);
        return b;
    }

    private static boolean dataAt(TwoHosts.Wire w, long seq) {
        return w.from() == CLIENT
                && w.segment().payloadLength() > 0
                && w.segment().seq().value() == seq;
    }

    @Test
    void lossInTheMiddleIsRepairedByFastRetransmit() {
        TwoHosts net = new TwoHosts(HostHarness.plain().withWindow(60_000));
        var k = net.handshake(100, 300);
        net.dropNext(w -> dataAt(w, 1101)); // the second 1000-byte segment
        byte[] data = pattern(20_000);
        long start = net.now;
        net.client.send(start, k, data);
        net.runFor(900_000); // well before any RTO
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).isEqualTo(data);
        TwoHosts.Wire resent = net.wire.stream()
                .filter(w -> dataAt(w, 1101) && !w.dropped())
                .findFirst()
                .orElseThrow();
        assertThat(resent.retransmission()).isTrue();
        assertThat(resent.atUs() - start).isLessThan(200_000);
        assertThat(net.events)
                .filteredOn(e -> e instanceof LabEvent.CongestionChanged c && c.host() == CLIENT)
                .extracting(e -> ((LabEvent.CongestionChanged) e).cause())
                .contains("3 duplicate ACKs: fast retransmit", "fast recovery exit (full ACK)");
    }

    @Test
    void tailLossIsRepairedByTheRetransmissionTimeout() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        var k = net.handshake(100, 300);
        net.dropNext(w -> dataAt(w, 2101)); // the last of three segments: no duplicate ACKs follow
        byte[] data = pattern(2_500);
        long start = net.now;
        net.client.send(start, k, data);
        net.runFor(500_000);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).hasSize(2000);
        net.runFor(2_000_000);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).isEqualTo(data);
        TwoHosts.Wire resent = net.wire.stream()
                .filter(w -> dataAt(w, 2101) && !w.dropped())
                .findFirst()
                .orElseThrow();
        assertThat(resent.retransmission()).isTrue();
        // RFC 6298 §5.3: the timer restarted with the ACK of the first two segments (one round trip in).
        assertThat(resent.atUs()).isEqualTo(start + 20_000 + 1_000_000);
        assertThat(net.events)
                .anyMatch(e ->
                        e instanceof LabEvent.CongestionChanged c && c.cause().equals("retransmission timeout"));
    }

    @Test
    void zeroWindowIsProbedUntilTheReceiverReadsAgain() {
        TwoHosts net = new TwoHosts(HostHarness.plain().withWindow(4_000));
        var k = net.handshake(100, 300);
        var sk = TwoHosts.serverKey(1000, 80);
        net.server.setReading(net.now, sk, false);
        byte[] data = pattern(10_000);
        net.client.send(net.now, k, data);
        net.runFor(10_000_000);
        assertThat(net.server.received(sk)).isEmpty();
        assertThat(net.server.connection(sk).orElseThrow().rcvWnd()).isZero();
        List<Long> probes = net.wire.stream()
                .filter(w -> w.from() == CLIENT && w.segment().payloadLength() == 1)
                .map(TwoHosts.Wire::atUs)
                .toList();
        assertThat(probes).hasSizeGreaterThanOrEqualTo(3);
        // Backoff: each interval at least as long as the one before, and growing overall.
        for (int i = 2; i < probes.size(); i++) {
            assertThat(probes.get(i) - probes.get(i - 1)).isGreaterThanOrEqualTo(probes.get(i - 1) - probes.get(i - 2));
        }
        assertThat(probes.get(2) - probes.get(1)).isGreaterThan(probes.get(1) - probes.get(0));
        assertThat(net.events)
                .anyMatch(e -> e instanceof LabEvent.TimerChanged t
                        && t.timer() == TimerKind.PERSIST
                        && t.action() == LabEvent.TimerAction.ARMED);
        net.server.setReading(net.now, sk, true);
        net.runFor(5_000_000);
        assertThat(net.server.received(sk)).isEqualTo(data);
    }

    @Test
    void megabytesWithAllOptionsArriveIntact() {
        TwoHosts net = new TwoHosts(TcpConfig.defaults().withWindow(256 * 1024));
        var k = net.handshake(100, 300);
        byte[] data = pattern(3 * 1024 * 1024);
        net.client.send(net.now, k, data);
        net.client.close(net.now, k);
        net.runFor(60_000_000);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).isEqualTo(data);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.CLOSE_WAIT);
        // Congestion events stay few: not one per ACK.
        long congestion = net.events.stream()
                .filter(e -> e instanceof LabEvent.CongestionChanged)
                .count();
        assertThat(congestion).isLessThan(200);
    }

    @Test
    void randomLossWithSackStillDeliversEverything() {
        TwoHosts net = new TwoHosts(TcpConfig.defaults().withWindow(128 * 1024));
        var k = net.handshake(100, 300);
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
        net.dropAll(w -> w.from() == CLIENT && w.segment().payloadLength() > 0 && rnd.nextInt(20) == 0);
        byte[] data = pattern(400_000);
        net.client.send(net.now, k, data);
        net.runFor(120_000_000);
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80))).isEqualTo(data);
    }

    @Test
    void connectingToAPortNobodyListensOnIsRefused() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.client.open(0, 1000, TwoHosts.B, 81, org.tcplab.engine.wire.SeqNum.of(100));
        net.runFor(100_000);
        assertThat(net.trace()).containsExactly("A>B <SEQ=100><CTL=SYN>", "B>A <SEQ=0><ACK=101><CTL=RST,ACK>");
        assertThat(net.errors(CLIENT)).containsExactly("refused");
        assertThat(net.states(CLIENT)).containsExactly("SYN_SENT", "CLOSED");
        assertThat(net.events)
                .anyMatch(e ->
                        e instanceof LabEvent.SegmentDropped d && d.reason().equals("no-listener"));
    }

    @Test
    void aBlindInWindowRstOnlyEarnsAChallengeAck() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.handshake(100, 300);
        net.wire.clear();
        // An off-path attacker guesses a sequence number inside the server's window, not RCV.NXT (101).
        net.inject(
                CLIENT, TcpSegment.builder(1000, 80).seq(150).flags(TcpFlag.RST).build());
        net.runFor(100_000);
        assertThat(net.trace()).containsExactly("A>B <SEQ=150><CTL=RST>", "B>A <SEQ=301><ACK=101><CTL=ACK>");
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        // The exact sequence number does reset it (RFC 5961 §3.2).
        net.inject(
                CLIENT, TcpSegment.builder(1000, 80).seq(101).flags(TcpFlag.RST).build());
        net.runFor(100_000);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.errors(SERVER)).containsExactly("reset");
    }

    @Test
    void abortResetsThePeer() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        var k = net.handshake(100, 300);
        net.client.abort(net.now, k);
        net.runFor(100_000);
        assertThat(net.trace()).endsWith("A>B <SEQ=101><CTL=RST>");
        assertThat(net.states(CLIENT)).endsWith("CLOSED");
        assertThat(net.errors(SERVER)).containsExactly("reset");
        assertThat(net.server.connections()).isEmpty();
    }

    @Test
    void synRetriesExhaustedAgainstASilentPeerTimesOutAtTheBackedOffDeadline() {
        TwoHosts net = new TwoHosts(HostHarness.plain());
        net.dropAll(w -> w.from() == CLIENT);
        net.client.open(0, 1000, TwoHosts.B, 80, null);
        net.runUntil(200_000_000L);
        // Default synRetries 6: sent at 0, 1, 3, 7, 15, 31, 63 s; then the 64 s wait (capped at 60 s).
        assertThat(net.wire.stream().map(TwoHosts.Wire::atUs).toList())
                .containsExactly(0L, 1_000_000L, 3_000_000L, 7_000_000L, 15_000_000L, 31_000_000L, 63_000_000L);
        LabEvent.ErrorRaised err = net.events.stream()
                .filter(e -> e instanceof LabEvent.ErrorRaised)
                .map(e -> (LabEvent.ErrorRaised) e)
                .findFirst()
                .orElseThrow();
        assertThat(err.error()).isEqualTo("timeout");
        assertThat(err.timeUs()).isEqualTo(123_000_000L);
    }
}
