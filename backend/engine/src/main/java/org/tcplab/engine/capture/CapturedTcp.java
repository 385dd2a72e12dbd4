package org.tcplab.engine.capture;

import java.util.List;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.engine.wire.WireSegment;

/**
 * A captured segment parsed by the engine's one TCP codec ({@link TcpCodec}): the typed segment our
 * TCBs take. {@link TcpCodec} reads IPv4 only, so the captured TCP header is handed to it behind a
 * made-up IPv4 header with a checksum of its own. The display view ({@link #describe}) is made the
 * same way from the captured bytes, but only where a lab shows it, and then gets back what the
 * capture really holds: addresses, IP header, the checksum field and whether it verified, every
 * captured byte, the payload length the IP header gives.
 *
 * @param segment the segment for a TCB, its payload zero bytes of the right length (a TCB needs the
 *     length, not the content); null when even the fixed header cannot be parsed
 * @param problem why the options were dropped or the segment cannot be replayed, or null
 * @param checksum the captured segment's checksum verdict
 */
record CapturedTcp(TcpSegment segment, String problem, CapturedSegment.Checksum checksum) {

    private static final Ipv4Address A = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

    static CapturedTcp parse(CapturedSegment s, TcpHeader h) {
        Header header = Header.of(s.tcp(), h.headerLength());
        TcpSegment segment = null;
        if (header.decoded() instanceof TcpCodec.Decoded.Accepted a) {
            segment = a.datagram().segment();
            if (h.payloadLength() > 0) {
                segment =
                        segment.toBuilder().payload(new byte[h.payloadLength()]).build();
            }
        }
        return new CapturedTcp(segment, header.problem(), s.checksum());
    }

    /**
     * The display view of a captured IP packet ({@code packet}, TCP from {@code tcpStart},
     * {@code tcpLength} bytes long by its IP header, of which the capture may hold fewer); never throws.
     */
    static WireSegment describe(byte[] packet, int tcpStart, int tcpLength) {
        byte[] tcp = java.util.Arrays.copyOfRange(packet, tcpStart, packet.length);
        int headerLength = Math.max(20, ((tcp[12] & 0xff) >>> 4) * 4);
        Header header = Header.of(tcp, headerLength);
        WireSegment base = TcpCodec.describe(header.packet());
        boolean v6 = (packet[0] & 0xf0) == 0x60;
        return new WireSegment(
                address(packet, v6 ? 8 : 12, v6 ? 16 : 4),
                address(packet, v6 ? 24 : 16, v6 ? 16 : 4),
                base.srcPort(),
                base.dstPort(),
                base.seq(),
                base.ack(),
                (tcp[12] & 0xff) >>> 4,
                base.flags(),
                base.window(),
                ((tcp[16] & 0xff) << 8) | (tcp[17] & 0xff),
                PacketDecoder.checksum(packet, tcpStart, tcpLength) == CapturedSegment.Checksum.OK,
                base.urgentPointer(),
                header.cut() ? List.of() : base.options(),
                Math.max(0, tcpLength - headerLength),
                Hex.of(tcp),
                Hex.of(packet, 0, tcpStart),
                header.decoded() instanceof TcpCodec.Decoded.Rejected r ? r.reason() : null);
    }

    private static String address(byte[] packet, int at, int length) {
        return PacketDecoder.address(java.util.Arrays.copyOfRange(packet, at, at + length));
    }

    /**
     * The captured TCP header behind a made-up IPv4 header, decoded: with its options when they
     * parse, else without them ({@code problem} says why).
     *
     * @param cut the capture's snapshot length cut the header, so its options are not shown
     */
    private record Header(byte[] packet, TcpCodec.Decoded decoded, String problem, boolean cut) {
        static Header of(byte[] tcp, int headerLength) {
            if (tcp.length < headerLength) {
                byte[] packet = headerOnly(tcp, 20);
                return new Header(
                        packet,
                        TcpCodec.decode(packet),
                        "the capture cut the TCP header (snapshot length): options not shown",
                        true);
            }
            byte[] packet = headerOnly(tcp, headerLength);
            TcpCodec.Decoded decoded = TcpCodec.decode(packet);
            if (decoded instanceof TcpCodec.Decoded.Rejected r) {
                // Options a stack would not send (bad lengths): replay the segment without them.
                String problem = "TCP options cannot be parsed (" + r.reason().replaceFirst("^malformed: ", "")
                        + "): replayed without them";
                packet = headerOnly(tcp, 20);
                decoded = TcpCodec.decode(packet);
                if (decoded instanceof TcpCodec.Decoded.Rejected again) problem = again.reason();
                return new Header(packet, decoded, problem, false);
            }
            return new Header(packet, decoded, null, false);
        }
    }

    /**
     * IPv4 (20 bytes, addresses from TEST-NET-1) carrying the first {@code length} bytes of the TCP
     * header with a checksum that verifies: what {@link TcpCodec#decode} accepts.
     */
    private static byte[] headerOnly(byte[] tcp, int length) {
        int total = 20 + length;
        byte[] b = new byte[total];
        b[0] = 0x45;
        b[2] = (byte) (total >>> 8);
        b[3] = (byte) total;
        b[8] = 64;
        b[9] = 6;
        System.arraycopy(A.toBytes(), 0, b, 12, 4);
        System.arraycopy(B.toBytes(), 0, b, 16, 4);
        put16(b, 10, ~OnesComplement.sum(b, 0, 20, 0) & 0xffff);
        System.arraycopy(tcp, 0, b, 20, length);
        b[20 + 12] = (byte) ((length / 4) << 4 | (tcp[12] & 0x0f)); // data offset as long as what we pass
        b[20 + 16] = 0;
        b[20 + 17] = 0;
        long pseudo = OnesComplement.sum(b, 12, 20, 6 + length);
        put16(b, 20 + 16, ~OnesComplement.sum(b, 20, total, pseudo) & 0xffff);
        return b;
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
