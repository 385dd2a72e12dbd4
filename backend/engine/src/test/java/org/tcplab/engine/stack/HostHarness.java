package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Packet-in / packet-out harness around one {@link TcpHost} (smoltcp's test style): the test plays
 * the peer with {@link #peerSends}, checks what the host sends with {@link #expectSent}, and moves
 * time by hand with {@link #advanceTo} / {@link #expectNothingUntil}. The host is 192.0.2.2 port 80
 * (or the opener of port 1000), the peer 192.0.2.1 port 1000.
 */
final class HostHarness {

    static final Ipv4Address HOST = Ipv4Address.parse("192.0.2.2");
    static final Ipv4Address PEER = Ipv4Address.parse("192.0.2.1");
    static final int HOST_PORT = 80;
    static final int PEER_PORT = 1000;
    static final ConnectionKey KEY = new ConnectionKey(HOST, HOST_PORT, PEER, PEER_PORT);

    /** Options off, delayed ACK and Nagle off: the plain RFC 9293 machine unless a test turns them on. */
    static TcpConfig plain() {
        return TcpConfig.defaults()
                .withTimestamps(false)
                .withSack(false)
                .withWindowScale(0)
                .withDelayedAck(false)
                .withNagle(false)
                .withWindow(10_000)
                .withMss(1000);
    }

    final List<LabEvent> events = new ArrayList<>();
    final TcpHost host;
    final ArrayDeque<Outbound> sent = new ArrayDeque<>();
    long now;
    private long segmentIds;

    HostHarness(TcpConfig config) {
        host = new TcpHost(HostName.SERVER, HOST, config, (t, k) -> SeqNum.of(300), (h, k) -> "c1", events::add);
    }

    /** A segment from the peer to the host's port. */
    static TcpSegment.Builder peer() {
        return TcpSegment.builder(PEER_PORT, HOST_PORT).window(10_000);
    }

    HostHarness listen() {
        host.listen(now, HOST_PORT, 8);
        return this;
    }

    void peerSends(TcpSegment.Builder b) {
        peerSends(b.build());
    }

    void peerSends(TcpSegment s) {
        host.receive(now, ++segmentIds, "c1", new TcpDatagram(PEER, HOST, s));
        collect();
    }

    /** Forgets what the host has sent so far (a test that only cares about what follows). */
    void discardSent() {
        collect();
        sent.clear();
    }

    void collect() {
        sent.addAll(host.poll(now));
    }

    /** Pops the next segment the host sent and checks its flags, seq and ack (ack < 0: no ACK). */
    TcpSegment expectSent(String flags, long seq, long ack) {
        collect();
        assertThat(sent)
                .as("the host should have sent %s seq=%d ack=%d", flags, seq, ack)
                .isNotEmpty();
        Outbound o = sent.poll();
        TcpSegment s = o.datagram().segment();
        assertThat(o.datagram().src()).isEqualTo(HOST);
        assertThat(o.datagram().dst()).isEqualTo(PEER);
        assertThat(s.flags()).as("flags of %s", s).isEqualTo(TcpFlags.parse(Arrays.asList(flags.split(","))));
        assertThat(s.seq().value()).as("seq of %s", s).isEqualTo(seq);
        if (ack < 0) {
            assertThat(s.ackNumber()).as("ack of %s", s).isEmpty();
        } else {
            assertThat(s.ack().value()).as("ack of %s", s).isEqualTo(ack);
        }
        return s;
    }

    /** Like {@link #expectSent(String, long, long)} and also the payload length. */
    TcpSegment expectSentData(String flags, long seq, long ack, int len) {
        TcpSegment s = expectSent(flags, seq, ack);
        assertThat(s.payloadLength()).as("payload of %s", s).isEqualTo(len);
        return s;
    }

    Outbound expectSentOutbound() {
        collect();
        assertThat(sent).isNotEmpty();
        return sent.peek();
    }

    void expectNothingSent() {
        collect();
        assertThat(sent).as("nothing should be sent").isEmpty();
    }

    /** Moves time to {@code t}, firing timers on the way, and asserts nothing was sent. */
    void expectNothingUntil(long t) {
        advanceTo(t);
        expectNothingSent();
    }

    /** Moves time to {@code t} deadline by deadline, collecting what the host sends. */
    void advanceTo(long t) {
        while (true) {
            collect();
            long at = host.pollAt();
            if (at > t) break;
            now = Math.max(now, at);
            collect();
        }
        now = Math.max(now, t);
        collect();
    }

    TcpState state() {
        return host.state(KEY);
    }

    ConnectionSnapshot snapshot() {
        return host.connection(KEY).orElseThrow();
    }

    <T extends LabEvent> List<T> eventsOf(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LabEvent e : events) if (type.isInstance(e)) out.add(type.cast(e));
        return out;
    }

    List<String> stateChanges() {
        List<String> out = new ArrayList<>();
        for (LabEvent.StateChanged e : eventsOf(LabEvent.StateChanged.class)) out.add(e.from() + ">" + e.to());
        return out;
    }

    List<String> errors() {
        List<String> out = new ArrayList<>();
        for (LabEvent.ErrorRaised e : eventsOf(LabEvent.ErrorRaised.class)) out.add(e.error());
        return out;
    }

    static List<TcpOption> withoutNops(List<TcpOption> options) {
        List<TcpOption> out = new ArrayList<>();
        for (TcpOption o : options) if (!(o instanceof TcpOption.NoOp)) out.add(o);
        return out;
    }

    // ---- fixtures: the host in a given state, with the host's ISS 300 and the peer's 100

    /** LISTEN, then SYN seq 100 from the peer: host in SYN-RECEIVED, its SYN,ACK consumed. */
    HostHarness synReceived() {
        listen();
        peerSends(peer().seq(100).flags(org.tcplab.engine.wire.TcpFlag.SYN));
        expectSent("SYN,ACK", 300, 101);
        return this;
    }

    /** ESTABLISHED passively: snd 301, rcv 101. */
    HostHarness established() {
        synReceived();
        peerSends(peer().seq(101).ack(301));
        expectNothingSent();
        assertThat(state()).isEqualTo(TcpState.ESTABLISHED);
        return this;
    }

    /** SYN-SENT: the host opened port 80 to the peer's 1000 with ISS 300. */
    HostHarness synSent() {
        host.open(now, HOST_PORT, PEER, PEER_PORT, SeqNum.of(300));
        expectSent("SYN", 300, -1);
        return this;
    }

    /** FIN-WAIT-1: established, then CLOSE; the FIN (seq 301) consumed. */
    HostHarness finWait1() {
        established();
        host.close(now, KEY);
        expectSent("FIN,ACK", 301, 101);
        return this;
    }

    /** FIN-WAIT-2: our FIN acknowledged. */
    HostHarness finWait2() {
        finWait1();
        peerSends(peer().seq(101).ack(302));
        expectNothingSent();
        assertThat(state()).isEqualTo(TcpState.FIN_WAIT_2);
        return this;
    }

    /** CLOSE-WAIT: the peer's FIN (seq 101) acknowledged. */
    HostHarness closeWait() {
        established();
        peerSends(peer().seq(101).ack(301).flags(org.tcplab.engine.wire.TcpFlag.FIN));
        expectSent("ACK", 301, 102);
        return this;
    }

    /** LAST-ACK: CLOSE in CLOSE-WAIT, our FIN (seq 301) consumed. */
    HostHarness lastAck() {
        closeWait();
        host.close(now, KEY);
        expectSent("FIN,ACK", 301, 102);
        return this;
    }

    /** CLOSING: FIN-WAIT-1 and the peer's FIN crosses ours. */
    HostHarness closing() {
        finWait1();
        peerSends(peer().seq(101).ack(301).flags(org.tcplab.engine.wire.TcpFlag.FIN));
        expectSent("ACK", 302, 102);
        assertThat(state()).isEqualTo(TcpState.CLOSING);
        return this;
    }

    /** TIME-WAIT: FIN-WAIT-2 and then the peer's FIN. */
    HostHarness timeWait() {
        finWait2();
        peerSends(peer().seq(101).ack(302).flags(org.tcplab.engine.wire.TcpFlag.FIN));
        expectSent("ACK", 302, 102);
        assertThat(state()).isEqualTo(TcpState.TIME_WAIT);
        return this;
    }
}
