package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;
import static org.tcplab.engine.stack.TwoHosts.A;
import static org.tcplab.engine.stack.TwoHosts.B;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpSegment;

/**
 * RFC 9293 figures 6 to 13 replayed between two of our hosts with the RFC's own numbers. A is the
 * client (192.0.2.1:1000), B the server (192.0.2.2:80). Options, delayed ACK and Nagle are off so
 * the segments are exactly the figures'.
 */
class Rfc9293FiguresTest {

    private final TwoHosts net = new TwoHosts(HostHarness.plain());

    /** Both ends ESTABLISHED with A having sent up to 100 and B up to 300 (the figures' starting point). */
    private void establishedAt100And300() {
        net.handshake(99, 299);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        net.wire.clear();
        net.events.clear();
    }

    @Test
    void figure6BasicThreeWayHandshake() {
        ConnectionKey k = net.handshake(100, 300);
        net.client.send(net.now, k, "DATA".getBytes(StandardCharsets.US_ASCII));
        net.runFor(100_000);
        assertThat(net.trace())
                .startsWith(
                        "A>B <SEQ=100><CTL=SYN>",
                        "B>A <SEQ=300><ACK=101><CTL=SYN,ACK>",
                        "A>B <SEQ=101><ACK=301><CTL=ACK>",
                        "A>B <SEQ=101><ACK=301><CTL=ACK><DATA=4>");
        assertThat(net.states(CLIENT)).containsExactly("SYN_SENT", "ESTABLISHED");
        assertThat(net.states(SERVER)).containsExactly("SYN_RECEIVED", "ESTABLISHED");
        assertThat(net.server.received(TwoHosts.serverKey(1000, 80)))
                .asString(StandardCharsets.US_ASCII)
                .isEqualTo("DATA");
    }

    @Test
    void figure7SimultaneousConnectionSynchronization() {
        net.client.open(0, 1000, B, 80, SeqNum.of(100));
        net.server.open(0, 80, A, 1000, SeqNum.of(300));
        net.runFor(100_000);
        // The crossing segments leave at the same instant; which the trace lists first is arbitrary.
        assertThat(net.trace())
                .containsExactlyInAnyOrder(
                        "A>B <SEQ=100><CTL=SYN>",
                        "B>A <SEQ=300><CTL=SYN>",
                        "A>B <SEQ=100><ACK=301><CTL=SYN,ACK>",
                        "B>A <SEQ=300><ACK=101><CTL=SYN,ACK>");
        assertThat(net.trace().subList(0, 2)).allMatch(l -> l.endsWith("<CTL=SYN>"));
        assertThat(net.states(CLIENT)).containsExactly("SYN_SENT", "SYN_RECEIVED", "ESTABLISHED");
        assertThat(net.states(SERVER)).containsExactly("SYN_SENT", "SYN_RECEIVED", "ESTABLISHED");
    }

    @Test
    void figure8RecoveryFromOldDuplicateSyn() {
        net.server.listen(0, 80, 8);
        ConnectionKey sk = TwoHosts.serverKey(1000, 80);
        net.server.pinIsn(sk, SeqNum.of(300));
        net.server.pinIsn(sk, SeqNum.of(400));
        TcpSegment oldSyn = TcpSegment.builder(1000, 80)
                .seq(90)
                .flags(TcpFlag.SYN)
                .window(10_000)
                .build();
        net.inject(CLIENT, oldSyn); // line 3: the old duplicate arrives first
        // Line 2's SYN is delayed in the network: take it off the wire now, put it back after the RST.
        net.dropNext(w -> w.from() == CLIENT
                && w.segment().flags().syn()
                && w.segment().seq().value() == 100);
        net.client.open(0, 1000, B, 80, SeqNum.of(100));
        net.runUntil(25_000);
        net.inject(
                CLIENT,
                TcpSegment.builder(1000, 80)
                        .seq(100)
                        .flags(TcpFlag.SYN)
                        .window(10_000)
                        .build());
        net.runUntil(200_000);
        assertThat(net.trace())
                .containsExactly(
                        "A>B <SEQ=90><CTL=SYN>",
                        "B>A <SEQ=300><ACK=91><CTL=SYN,ACK>",
                        "A>B <SEQ=91><CTL=RST>",
                        "A>B <SEQ=100><CTL=SYN>",
                        "B>A <SEQ=400><ACK=101><CTL=SYN,ACK>",
                        "A>B <SEQ=101><ACK=401><CTL=ACK>");
        assertThat(net.states(SERVER)).containsExactly("SYN_RECEIVED", "LISTEN", "SYN_RECEIVED", "ESTABLISHED");
        assertThat(net.states(CLIENT)).containsExactly("SYN_SENT", "ESTABLISHED");
    }

    @Test
    void figure9HalfOpenConnectionDiscovery() {
        establishedAt100And300();
        net.client.crash();
        net.client.open(net.now, 1000, B, 80, SeqNum.of(400));
        net.runFor(100_000);
        assertThat(net.trace())
                .containsExactly("A>B <SEQ=400><CTL=SYN>", "B>A <SEQ=300><ACK=100><CTL=ACK>", "A>B <SEQ=100><CTL=RST>");
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.errors(SERVER)).containsExactly("reset");
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.SYN_SENT);
        // Line 7: the SYN is retransmitted and, B still listening, a new connection forms.
        net.runFor(1_000_000);
        assertThat(net.trace().get(3)).isEqualTo("A>B <SEQ=400><CTL=SYN>");
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void figure10ActiveSideCausesHalfOpenConnectionDiscovery() {
        establishedAt100And300();
        net.client.crash();
        net.server.send(net.now, TwoHosts.serverKey(1000, 80), new byte[10]);
        net.runFor(100_000);
        assertThat(net.trace()).containsExactly("B>A <SEQ=300><ACK=100><CTL=ACK><DATA=10>", "A>B <SEQ=100><CTL=RST>");
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.errors(SERVER)).containsExactly("reset");
    }

    @Test
    void figure11OldDuplicateSynInitiatesResetOnTwoPassiveSockets() {
        net.client.listen(0, 1000, 8);
        net.server.listen(0, 80, 8);
        net.server.pinIsn(TwoHosts.serverKey(1000, 80), SeqNum.of(300));
        net.inject(
                CLIENT,
                TcpSegment.builder(1000, 80)
                        .seq(100)
                        .flags(TcpFlag.SYN)
                        .window(10_000)
                        .build());
        net.runFor(100_000);
        assertThat(net.trace())
                .containsExactly(
                        "A>B <SEQ=100><CTL=SYN>", "B>A <SEQ=300><ACK=101><CTL=SYN,ACK>", "A>B <SEQ=101><CTL=RST>");
        assertThat(net.states(SERVER)).containsExactly("SYN_RECEIVED", "LISTEN");
        assertThat(net.server.listeners()).containsExactly(80);
        assertThat(net.client.listeners()).containsExactly(1000);
        assertThat(net.server.connections()).isEmpty();
    }

    @Test
    void figure12NormalCloseSequence() {
        establishedAt100And300();
        net.client.close(net.now, TwoHosts.clientKey(1000, 80));
        net.runFor(100_000);
        net.server.close(net.now, TwoHosts.serverKey(1000, 80));
        net.runFor(100_000);
        assertThat(net.trace())
                .containsExactly(
                        "A>B <SEQ=100><ACK=300><CTL=FIN,ACK>",
                        "B>A <SEQ=300><ACK=101><CTL=ACK>",
                        "B>A <SEQ=300><ACK=101><CTL=FIN,ACK>",
                        "A>B <SEQ=101><ACK=301><CTL=ACK>");
        assertThat(net.states(CLIENT)).containsExactly("FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT");
        assertThat(net.states(SERVER)).containsExactly("CLOSE_WAIT", "LAST_ACK", "CLOSED");
        net.runFor(240_000_000L - 100_000);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.TIME_WAIT);
        net.runFor(200_000);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.states(CLIENT)).containsExactly("FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED");
    }

    @Test
    void figure13SimultaneousCloseSequence() {
        establishedAt100And300();
        net.client.close(net.now, TwoHosts.clientKey(1000, 80));
        net.server.close(net.now, TwoHosts.serverKey(1000, 80));
        net.runFor(100_000);
        // The crossing segments leave at the same instant; which the trace lists first is arbitrary.
        assertThat(net.trace())
                .containsExactlyInAnyOrder(
                        "A>B <SEQ=100><ACK=300><CTL=FIN,ACK>",
                        "B>A <SEQ=300><ACK=100><CTL=FIN,ACK>",
                        "A>B <SEQ=101><ACK=301><CTL=ACK>",
                        "B>A <SEQ=301><ACK=101><CTL=ACK>");
        assertThat(net.trace().subList(0, 2)).allMatch(l -> l.endsWith("<CTL=FIN,ACK>"));
        assertThat(net.states(CLIENT)).containsExactly("FIN_WAIT_1", "CLOSING", "TIME_WAIT");
        assertThat(net.states(SERVER)).containsExactly("FIN_WAIT_1", "CLOSING", "TIME_WAIT");
        net.runFor(240_000_000L);
        assertThat(net.states(CLIENT)).endsWith("CLOSED");
        assertThat(net.states(SERVER)).endsWith("CLOSED");
    }
}
