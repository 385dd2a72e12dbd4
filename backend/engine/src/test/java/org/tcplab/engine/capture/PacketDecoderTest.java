package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Every link type and IP variant read here, as crafted frames in one pcapng file (one interface per
 * link type), each frame checked against what it must decode to and, where tshark is installed,
 * against tshark's reading of the very same file.
 */
class PacketDecoderTest {

    static final byte[] V6A = v6("2001:db8::1");
    static final byte[] V6B = v6("2001:db8::2");

    /** One crafted frame and what it must decode to: a TCP segment's endpoints, or a skip reason. */
    record Case(String name, int linkType, byte[] frame, String src, String dst, String skip) {}

    static TcpSegment syn(int srcPort, int dstPort, long seq) {
        return TcpSegment.builder(srcPort, dstPort)
                .seq(seq)
                .flags(TcpFlag.SYN)
                .window(64240)
                .options(new TcpOption.MaxSegmentSize(1460))
                .build();
    }

    static byte[] v6(String s) {
        try {
            return java.net.InetAddress.getByName(s).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static List<Case> cases() {
        byte[] v4 = CaptureBytes.ipv4("10.0.0.1", "10.0.0.2", syn(40001, 80, 1000));
        byte[] v6 = CaptureBytes.ipv6(V6A, V6B, syn(40002, 443, 2000));
        byte[] v6ext = CaptureBytes.ipv6(
                V6A, V6B, syn(40003, 22, 3000), CaptureBytes.extension(0), CaptureBytes.extension(60));
        byte[] udp = v4.clone();
        udp[9] = 17;
        byte[] fragment = v4.clone();
        fragment[6] = 0x20; // more fragments
        byte[] v6fragment = CaptureBytes.ipv6(V6A, V6B, syn(1, 2, 3), fragmentHeader(185));
        List<Case> c = new ArrayList<>();
        c.add(new Case("ethernet", 1, CaptureBytes.ethernet(v4, 0x0800), "10.0.0.1:40001", "10.0.0.2:80", null));
        c.add(new Case("802.1Q", 1, CaptureBytes.ethernet(v4, 0x0800, 0x8100), "10.0.0.1:40001", "10.0.0.2:80", null));
        c.add(new Case(
                "802.1ad+1Q, IPv6 with hop-by-hop and destination options",
                1,
                CaptureBytes.ethernet(v6ext, 0x86dd, 0x88a8, 0x8100),
                "[2001:db8::1]:40003",
                "[2001:db8::2]:22",
                null));
        c.add(new Case("Linux cooked v1", 113, CaptureBytes.sll(v4, 0x0800), "10.0.0.1:40001", "10.0.0.2:80", null));
        c.add(new Case(
                "Linux cooked v2",
                276,
                CaptureBytes.sll2(v6, 0x86dd),
                "[2001:db8::1]:40002",
                "[2001:db8::2]:443",
                null));
        c.add(new Case("raw IPv4", 101, v4, "10.0.0.1:40001", "10.0.0.2:80", null));
        c.add(new Case("raw IPv6", 101, v6, "[2001:db8::1]:40002", "[2001:db8::2]:443", null));
        c.add(new Case("IPv4", 228, v4, "10.0.0.1:40001", "10.0.0.2:80", null));
        c.add(new Case("IPv6", 229, v6, "[2001:db8::1]:40002", "[2001:db8::2]:443", null));
        c.add(new Case(
                "BSD loopback, little-endian AF_INET",
                0,
                CaptureBytes.loopback(v4, 2, true),
                "10.0.0.1:40001",
                "10.0.0.2:80",
                null));
        c.add(new Case(
                "BSD loopback, macOS AF_INET6 (30)",
                0,
                CaptureBytes.loopback(v6, 30, true),
                "[2001:db8::1]:40002",
                "[2001:db8::2]:443",
                null));
        c.add(new Case(
                "OpenBSD loopback (network order)",
                108,
                CaptureBytes.loopback(v4, 2, false),
                "10.0.0.1:40001",
                "10.0.0.2:80",
                null));
        c.add(new Case("ARP", 1, CaptureBytes.ethernet(new byte[28], 0x0806), null, null, "not-ip"));
        c.add(new Case("UDP", 101, udp, null, null, "not-tcp"));
        c.add(new Case("IPv4 fragment", 101, fragment, null, null, "fragment"));
        c.add(new Case("IPv6 fragment", 229, v6fragment, null, null, "fragment"));
        c.add(new Case("Wi-Fi", 105, new byte[24], null, null, "link-type"));
        c.add(new Case("cut inside the TCP header", 101, java.util.Arrays.copyOf(v4, 30), null, null, "truncated"));
        return c;
    }

    static byte[] fragmentHeader(int offset) {
        byte[] f = new byte[8];
        f[0] = 44;
        f[2] = (byte) ((offset << 3) >>> 8);
        f[3] = (byte) (offset << 3);
        return f;
    }

    static PacketDecoder.Result decode(int linkType, byte[] frame) {
        return PacketDecoder.decode(new CapturedPacket(1, 0, linkType, ByteBuffer.wrap(frame), frame.length));
    }

    @Test
    void everyLinkTypeAndIpVariantDecodesAsItMust() {
        for (Case c : cases()) {
            PacketDecoder.Result r = decode(c.linkType(), c.frame());
            if (c.skip() == null) {
                assertThat(r).as(c.name()).isInstanceOf(PacketDecoder.Segment.class);
                CapturedSegment s = ((PacketDecoder.Segment) r).segment();
                assertThat(s.src().toString()).as(c.name()).isEqualTo(c.src());
                assertThat(s.dst().toString()).as(c.name()).isEqualTo(c.dst());
                assertThat(s.checksum()).as(c.name()).isEqualTo(CapturedSegment.Checksum.OK);
                assertThat(s.tcpLength()).as(c.name()).isEqualTo(24);
            } else {
                assertThat(r).as(c.name()).isInstanceOf(PacketDecoder.Skipped.class);
                assertThat(((PacketDecoder.Skipped) r).reason()).as(c.name()).isEqualTo(c.skip());
            }
        }
    }

    @Test
    void aWrongChecksumIsSeenAndACutSegmentCannotBeChecked() {
        byte[] v4 = CaptureBytes.ipv4("10.0.0.1", "10.0.0.2", syn(1, 2, 3));
        byte[] bad = v4.clone();
        bad[20 + 16] ^= 0x55;
        assertThat(((PacketDecoder.Segment) decode(101, bad)).segment().checksum())
                .isEqualTo(CapturedSegment.Checksum.BAD);
        byte[] data = CaptureBytes.ipv4(
                "10.0.0.1",
                "10.0.0.2",
                TcpSegment.builder(1, 2).ack(5).payload(new byte[100]).build());
        CapturedSegment cut = ((PacketDecoder.Segment) decode(101, java.util.Arrays.copyOf(data, 60))).segment();
        assertThat(cut.checksum()).isEqualTo(CapturedSegment.Checksum.UNVERIFIABLE);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.tcpLength()).isEqualTo(120);
    }

    @Test
    void ethernetPaddingIsNotPayload() {
        byte[] v4 = CaptureBytes.ipv4(
                "10.0.0.1", "10.0.0.2", TcpSegment.builder(1, 2).ack(5).build());
        byte[] padded = java.util.Arrays.copyOf(CaptureBytes.ethernet(v4, 0x0800), 60);
        CapturedSegment s = ((PacketDecoder.Segment) decode(1, padded)).segment();
        assertThat(s.tcp()).hasSize(20);
        assertThat(s.checksum()).isEqualTo(CapturedSegment.Checksum.OK);
    }

    @Test
    void ipv6AddressesAreWrittenAsRfc5952Wants() {
        assertThat(PacketDecoder.address(v6("::1"))).isEqualTo("::1");
        assertThat(PacketDecoder.address(v6("2001:db8:0:0:1:0:0:1"))).isEqualTo("2001:db8::1:0:0:1");
        assertThat(PacketDecoder.address(v6("2001:db8:0:1:1:1:1:1"))).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(PacketDecoder.address(v6("fe80::"))).isEqualTo("fe80::");
    }

    /** tshark reads the same crafted file; its addresses, ports and sequence numbers must be ours. */
    @Test
    void tsharkReadsTheCraftedFileAsWeDo(@TempDir Path dir) throws Exception {
        assumeTrue(Tshark.available(), "tshark is not installed (apt-get install tshark): cross-check skipped");
        List<Case> cases = cases();
        CaptureBytes.Pcapng file = new CaptureBytes.Pcapng(true);
        List<Integer> linkTypes = new ArrayList<>();
        for (Case c : cases) {
            if (!linkTypes.contains(c.linkType())) {
                linkTypes.add(c.linkType());
                file.iface(c.linkType());
            }
        }
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            file.epb(linkTypes.indexOf(c.linkType()), 1_700_000_000_000_000L + i, c.frame());
        }
        Path path = dir.resolve("link-types.pcapng");
        Files.write(path, file.build());

        List<CapturedPacket> packets = CaptureFileTest.read(Files.readAllBytes(path));
        List<Map<String, String>> theirs = Tshark.fields(
                path,
                "frame.number",
                "ip.src",
                "ipv6.src",
                "ip.dst",
                "ipv6.dst",
                "tcp.srcport",
                "tcp.dstport",
                "tcp.seq_raw");
        assertThat(theirs).hasSize(cases.size());
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            Map<String, String> t = theirs.get(i);
            PacketDecoder.Result ours = PacketDecoder.decode(packets.get(i));
            if (ours instanceof PacketDecoder.Segment s) {
                CapturedSegment seg = s.segment();
                String src = t.get("ip.src").isEmpty() ? t.get("ipv6.src") : t.get("ip.src");
                String dst = t.get("ip.dst").isEmpty() ? t.get("ipv6.dst") : t.get("ip.dst");
                assertThat(seg.src().ip()).as(c.name()).isEqualTo(src);
                assertThat(seg.dst().ip()).as(c.name()).isEqualTo(dst);
                assertThat(Integer.toString(seg.src().port())).as(c.name()).isEqualTo(t.get("tcp.srcport"));
                assertThat(Integer.toString(seg.dst().port())).as(c.name()).isEqualTo(t.get("tcp.dstport"));
                assertThat(Long.toString(TcpHeader.of(seg).seq().value()))
                        .as(c.name())
                        .isEqualTo(t.get("tcp.seq_raw"));
            } else {
                // What we skip, tshark finds no TCP in either (it does parse truncated headers' ports).
                if (!c.skip().equals("truncated")) {
                    assertThat(t.get("tcp.srcport")).as(c.name()).isEmpty();
                }
            }
        }
    }
}
