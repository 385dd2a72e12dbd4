package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tcplab.engine.capture.ConversationReplayTest.seg;
import static org.tcplab.engine.capture.ConversationReplayTest.syn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.PacketFormat;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.WireSegment;

/**
 * A captured conversation as a lab world: the events carry the captured bytes themselves (IPv6,
 * bad checksums, cut packets included) and make their display view only when asked; nothing
 * changes the world.
 */
class CaptureWorldTest {

    static final byte[] C6 = address6(1);
    static final byte[] S6 = address6(2);

    @Test
    void anIpv6ConversationKeepsItsCapturedPacketsAndShowsThemOnDemand() {
        List<byte[]> sent = List.of(
                CaptureBytes.ipv6(C6, S6, syn(100).ports(40000, 443).build(), CaptureBytes.extension(60)),
                CaptureBytes.ipv6(
                        S6,
                        C6,
                        syn(300).ack(101)
                                .flags(TcpFlag.SYN, TcpFlag.ACK)
                                .ports(443, 40000)
                                .build()),
                CaptureBytes.ipv6(
                        C6,
                        S6,
                        seg(101).ack(301).flags(TcpFlag.ACK).ports(40000, 443).build()));
        List<LabEvent> events = new ArrayList<>();
        CaptureWorld world = world(sent, events);

        List<LabEvent.SegmentSent> segments = segments(events);
        assertThat(segments).hasSize(3);
        LabEvent.SegmentSent first = segments.get(0);
        // The very bytes of the capture, from the IPv6 header on: no display view was made to log it.
        assertThat(first.packet()).isEqualTo(sent.get(0));
        assertThat(first.format()).isNotEqualTo(PacketFormat.IPV4);
        assertThat(first.format().wireLength(first.packet())).isEqualTo(sent.get(0).length);

        WireSegment w = first.segment();
        assertThat(w.srcIp()).isEqualTo("2001:db8::1");
        assertThat(w.dstIp()).isEqualTo("2001:db8::2");
        assertThat(w.flags()).containsExactly("SYN");
        assertThat(w.seq()).isEqualTo(100);
        assertThat(w.options()).contains(new TcpOption.MaxSegmentSize(1460));
        assertThat(w.checksumOk()).isTrue();
        assertThat(w.malformed()).isNull();
        assertThat(w.ipHeader()).hasSize(2 * (40 + 8)); // with its destination options header

        assertThat(segments.get(1).header().flags().syn()).isTrue();
        assertThat(segments.get(1).header().srcPort()).isEqualTo(443);
        assertThat(segments.get(1).header().ack()).isEqualTo(101);

        CaptureInfo info = world.capture().orElseThrow();
        assertThat(info.ipVersion()).isEqualTo(6);
        assertThat(info.clientIp()).isEqualTo("2001:db8::1");
        assertThat(info.client()).isEqualTo("[2001:db8::1]:40000");
        assertThat(info.complete()).isTrue();
        assertThat(info.clientState()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(info.conversations()).extracting(CaptureInfo.Sibling::labId).containsExactly("lab-1");
        assertThat(world.connections(HostName.CLIENT)).singleElement().satisfies(c -> assertThat(c.state())
                .isEqualTo(TcpState.ESTABLISHED));
        assertThat(world.listeners(HostName.SERVER)).containsExactly(443);
    }

    @Test
    void aBadChecksumIsShownAsSuchWithItsOptionsAndTheSegmentIsNotDropped() {
        byte[] syn = CaptureBytes.ipv4(
                "10.0.0.1", "10.0.0.2", syn(100).ports(40000, 80).build());
        syn[20 + 16] ^= 0x01; // captured on the sender before its network card filled the checksum in
        List<LabEvent> events = new ArrayList<>();
        world(List.of(syn), events);

        WireSegment w = segments(events).get(0).segment();
        assertThat(w.checksumOk()).isFalse();
        assertThat(w.malformed()).isNull();
        assertThat(w.options()).contains(new TcpOption.MaxSegmentSize(1460));
        assertThat(w.srcIp()).isEqualTo("10.0.0.1");
    }

    @Test
    void aPacketCutBySnaplenKeepsItsLengthOnTheWire() {
        byte[] data = CaptureBytes.ipv4(
                "10.0.0.1",
                "10.0.0.2",
                seg(101).ack(301).payload(new byte[1000]).ports(40000, 80).build());
        byte[] cut = java.util.Arrays.copyOf(data, 96);
        List<LabEvent> events = new ArrayList<>();
        world(List.of(cut), events);

        LabEvent.SegmentSent s = segments(events).get(0);
        assertThat(s.packet()).hasSize(96);
        assertThat(s.format().wireLength(s.packet())).isEqualTo(data.length);
        assertThat(s.header().payloadLength()).isEqualTo(1000);
        assertThat(s.segment().checksumOk()).as("unverifiable").isFalse();
        assertThat(s.note()).isEqualTo("snaplen: 76 of 1020 TCP bytes captured");
    }

    @Test
    void nothingChangesACaptureWorld() {
        CaptureWorld world = world(
                List.of(CaptureBytes.ipv4(
                        "10.0.0.1", "10.0.0.2", syn(100).ports(40000, 80).build())),
                new ArrayList<>());

        assertThat(world.capabilities()).isEqualTo(LabCapabilities.READ_ONLY);
        assertThat(world.capabilities().readOnly()).isTrue();
        assertThatThrownBy(() -> world.listen(HostName.SERVER, 80))
                .isInstanceOf(TcpUserException.class)
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> world.connect(HostName.CLIENT, 1000, 80, null, null))
                .isInstanceOf(TcpUserException.class);
        assertThatThrownBy(() -> world.runUntilIdle(10)).isInstanceOf(TcpUserException.class);
        assertThat(world.nextEventUs()).isEqualTo(Long.MAX_VALUE);
        assertThat(world.faults()).isEmpty();
    }

    private static CaptureWorld world(List<byte[]> packets, List<LabEvent> events) {
        List<CaptureBytes.Frame> frames = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            frames.add(new CaptureBytes.Frame(1_700_000_000_000_000_000L + i * 10_000_000L, packets.get(i)));
        }
        CaptureImport.Result imported =
                CaptureImport.read(ByteBuffer.wrap(CaptureBytes.pcap(101, frames)), CaptureLimits.defaults());
        Conversation c = imported.conversations().get(0);
        ConversationReplay.Result replay = ConversationReplay.replay(c);
        List<CaptureInfo.Sibling> siblings = List.of(new CaptureInfo.Sibling(
                c.index(), "lab-1", c.client().toString(), c.server().toString(), c.segmentCount(), false));
        return new CaptureWorld(replay, imported.format(), "test.pcap", siblings, events::add);
    }

    private static List<LabEvent.SegmentSent> segments(List<LabEvent> events) {
        List<LabEvent.SegmentSent> out = new ArrayList<>();
        for (LabEvent e : events) if (e instanceof LabEvent.SegmentSent s) out.add(s);
        return out;
    }

    private static byte[] address6(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }
}
