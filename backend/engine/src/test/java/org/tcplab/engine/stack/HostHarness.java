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
        window = Math.min(config.window(), 0xffff);
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

    /**
     * What a test expects the host to send (smoltcp's {@code TcpRepr} templates): flags, seq and ack,
     * and unless the test says otherwise the harness's {@link #window}, no payload, no options (a SYN
     * or SYN,ACK: the MSS option alone), neither a retransmission nor a probe. NOP padding is ignored.
     */
    static final class Expected {
        final String flags;
        final long seq;
        final long ack;
        Integer window;
        int len;
        List<TcpOption> options;
        boolean retransmission;
        boolean probe;

        private Expected(String flags, long seq, long ack) {
            this.flags = flags;
            this.seq = seq;
            this.ack = ack;
        }

        Expected window(int w) {
            window = w;
            return this;
        }

        Expected len(int n) {
            len = n;
            return this;
        }

        Expected options(TcpOption... o) {
            options = List.of(o);
            return this;
        }

        Expected retransmission() {
            retransmission = true;
            return this;
        }

        Expected probe() {
            probe = true;
            return this;
        }

        @Override
        public String toString() {
            return flags + " seq=" + seq + (ack < 0 ? "" : " ack=" + ack) + (len > 0 ? " len=" + len : "")
                    + (window != null ? " win=" + window : "") + (options != null ? " " + options : "")
                    + (retransmission ? " (retransmission)" : "") + (probe ? " (probe)" : "");
        }
    }

    /** A segment the host should send: {@code flags} as "ACK,PSH", ack < 0 for none. */
    static Expected seg(String flags, long seq, long ack) {
        return new Expected(flags, seq, ack);
    }

    /** The window field the host's segments carry unless an expectation says otherwise. */
    int window;

    /**
     * Checks that the host sent exactly one segment, this one, and nothing more (smoltcp's
     * {@code recv!}): window and options are compared too.
     */
    TcpSegment expectSent(String flags, long seq, long ack) {
        return expectSent(seg(flags, seq, ack)).get(0);
    }

    /** Like {@link #expectSent(String, long, long)} with a payload of {@code len} bytes. */
    TcpSegment expectSentData(String flags, long seq, long ack, int len) {
        return expectSent(seg(flags, seq, ack).len(len)).get(0);
    }

    /** Checks that the host sent exactly these segments, in order, and nothing more. */
    List<TcpSegment> expectSent(Expected... expected) {
        collect();
        List<TcpSegment> out = new ArrayList<>();
        for (Expected e : expected) {
            assertThat(sent).as("the host should have sent %s", e).isNotEmpty();
            Outbound o = sent.poll();
            TcpSegment s = o.datagram().segment();
            assertThat(o.datagram().src()).isEqualTo(HOST);
            assertThat(o.datagram().dst()).isEqualTo(PEER);
            assertThat(s.flags())
                    .as("flags of %s (expected %s)", s, e)
                    .isEqualTo(TcpFlags.parse(Arrays.asList(e.flags.split(","))));
            assertThat(s.seq().value()).as("seq of %s (expected %s)", s, e).isEqualTo(e.seq);
            if (e.ack < 0) {
                assertThat(s.ackNumber()).as("ack of %s (expected %s)", s, e).isEmpty();
            } else {
                assertThat(s.ack().value()).as("ack of %s (expected %s)", s, e).isEqualTo(e.ack);
            }
            assertThat(s.payloadLength())
                    .as("payload of %s (expected %s)", s, e)
                    .isEqualTo(e.len);
            if (!s.flags().rst()) {
                int w = e.window != null ? e.window : window;
                assertThat(s.window()).as("window of %s (expected %s)", s, e).isEqualTo(w);
            }
            List<TcpOption> opts = e.options != null
                    ? e.options
                    : s.flags().syn()
                            ? List.of(new TcpOption.MaxSegmentSize(host.config().mss()))
                            : List.of();
            assertThat(withoutNops(s.options()))
                    .as("options of %s (expected %s)", s, e)
                    .isEqualTo(opts);
            assertThat(o.retransmission())
                    .as("retransmission flag of %s (expected %s)", s, e)
                    .isEqualTo(e.retransmission);
            assertThat(o.probe()).as("probe flag of %s (expected %s)", s, e).isEqualTo(e.probe);
            out.add(s);
        }
        assertThat(sent)
                .as("nothing more should have been sent after %s", Arrays.asList(expected))
                .isEmpty();
        return out;
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
