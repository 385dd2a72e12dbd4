package org.tcplab.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackPermittedOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;
import org.tcplab.engine.wire.TcpCodec.Decoded;

/** Our codec against pcap4j, an independent implementation, in both directions, field by field. */
class Pcap4jCrossCheckTest {

    @Test
    void pcap4jReadsOurBytesFieldByField() throws Exception {
        TcpSegment s = TcpCodecTest.synWithAllOptions();
        byte[] bytes = TcpCodec.encode(new TcpDatagram(TcpCodecTest.A, TcpCodecTest.B, s));

        IpV4Packet ip = IpV4Packet.newPacket(bytes, 0, bytes.length);
        assertThat(ip.getHeader().hasValidChecksum(false)).isTrue();
        assertThat(ip.getHeader().getDontFragmentFlag()).isTrue();
        assertThat(ip.getHeader().getTtlAsInt()).isEqualTo(64);
        assertThat(ip.getHeader().getProtocol()).isEqualTo(IpNumber.TCP);
        assertThat(ip.getHeader().getSrcAddr().getHostAddress()).isEqualTo("192.0.2.1");
        assertThat(ip.getHeader().getDstAddr().getHostAddress()).isEqualTo("192.0.2.2");

        TcpPacket tcp = ip.get(TcpPacket.class);
        TcpPacket.TcpHeader h = tcp.getHeader();
        assertThat(tcp.hasValidChecksum(
                        ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false))
                .isTrue();
        assertThat(h.getSrcPort().valueAsInt()).isEqualTo(40000);
        assertThat(h.getDstPort().valueAsInt()).isEqualTo(80);
        assertThat(h.getSequenceNumberAsLong()).isEqualTo(s.seq().value());
        assertThat(h.getSyn()).isTrue();
        assertThat(h.getAck()).isFalse();
        // pcap4j 1.8 folds CWR and ECE into its 6 "reserved" bits (RFC 3168 §23.2): the lowest two.
        assertThat(h.getReserved() & 0x03).isEqualTo(0x03);
        assertThat(h.getWindowAsInt()).isEqualTo(65535);
        assertThat(h.getDataOffsetAsInt()).isEqualTo(10);
        assertThat(h.getOptions()).hasSize(5);
        assertThat(((TcpMaximumSegmentSizeOption) h.getOptions().get(0)).getMaxSegSizeAsInt())
                .isEqualTo(1460);
        assertThat(h.getOptions().get(1)).isInstanceOf(TcpSackPermittedOption.class);
        TcpTimestampsOption ts = (TcpTimestampsOption) h.getOptions().get(2);
        assertThat(ts.getTsValueAsLong()).isEqualTo(0x80000001L);
        assertThat(ts.getTsEchoReplyAsLong()).isZero();
        assertThat(h.getOptions().get(3)).isInstanceOf(TcpNoOperationOption.class);
        assertThat(((TcpWindowScaleOption) h.getOptions().get(4)).getShiftCountAsInt())
                .isEqualTo(7);
    }

    @Test
    void pcap4jReadsOurPayloadAndSackSegment() throws Exception {
        TcpSegment s = TcpCodecTest.dataWithSack();
        byte[] bytes = TcpCodec.encode(new TcpDatagram(TcpCodecTest.B, TcpCodecTest.A, s));
        IpV4Packet ip = IpV4Packet.newPacket(bytes, 0, bytes.length);
        TcpPacket tcp = ip.get(TcpPacket.class);
        assertThat(tcp.hasValidChecksum(
                        ip.getHeader().getSrcAddr(), ip.getHeader().getDstAddr(), false))
                .isTrue();
        assertThat(tcp.getHeader().getAcknowledgmentNumberAsLong()).isEqualTo(101);
        assertThat(tcp.getHeader().getPsh()).isTrue();
        assertThat(tcp.getPayload().getRawData()).isEqualTo(s.payload());
        // SACK option raw layout: kind 5, length 18, then two 8-byte blocks.
        byte[] sack = tcp.getHeader().getOptions().get(2).getRawData();
        assertThat(sack[0]).isEqualTo((byte) 5);
        assertThat(sack[1]).isEqualTo((byte) 18);
    }

    @Test
    void weReadPcap4jsBytesFieldByField() throws Exception {
        InetAddress src = InetAddress.getByName("198.51.100.7");
        InetAddress dst = InetAddress.getByName("198.51.100.9");
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcPort(TcpPort.getInstance((short) 5555))
                .dstPort(TcpPort.getInstance((short) 443))
                .sequenceNumber(0xdeadbeef)
                .acknowledgmentNumber(42)
                .ack(true)
                .fin(true)
                .window((short) 1234)
                .options(List.of(
                        new TcpMaximumSegmentSizeOption.Builder()
                                .maxSegSize((short) 536)
                                .correctLengthAtBuild(true)
                                .build(),
                        TcpNoOperationOption.getInstance(),
                        new TcpWindowScaleOption.Builder()
                                .shiftCount((byte) 3)
                                .correctLengthAtBuild(true)
                                .build()))
                .payloadBuilder(new UnknownPacket.Builder().rawData(new byte[] {1, 2, 3}))
                .srcAddr(src)
                .dstAddr(dst)
                .correctLengthAtBuild(true)
                .correctChecksumAtBuild(true)
                .paddingAtBuild(true);
        byte[] bytes = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64)
                .protocol(IpNumber.TCP)
                .srcAddr((java.net.Inet4Address) src)
                .dstAddr((java.net.Inet4Address) dst)
                .payloadBuilder(tcp)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true)
                .build()
                .getRawData();

        Decoded decoded = TcpCodec.decode(bytes);
        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        TcpDatagram d = ((Decoded.Accepted) decoded).datagram();
        assertThat(d.src()).isEqualTo(Ipv4Address.parse("198.51.100.7"));
        assertThat(d.dst()).isEqualTo(Ipv4Address.parse("198.51.100.9"));
        TcpSegment s = d.segment();
        assertThat(s.srcPort()).isEqualTo(5555);
        assertThat(s.dstPort()).isEqualTo(443);
        assertThat(s.seq().value()).isEqualTo(0xdeadbeefL);
        assertThat(s.ack().value()).isEqualTo(42);
        assertThat(s.flags().names()).containsExactly("ACK", "FIN");
        assertThat(s.window()).isEqualTo(1234);
        assertThat(s.options())
                .startsWith(new TcpOption.MaxSegmentSize(536), new TcpOption.NoOp(), new TcpOption.WindowScale(3));
        assertThat(s.payload()).containsExactly(1, 2, 3);
        assertThat(TcpCodec.describe(bytes).checksumOk()).isTrue();
    }
}
