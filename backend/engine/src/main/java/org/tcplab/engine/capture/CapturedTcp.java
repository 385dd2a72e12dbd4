package org.tcplab.engine.capture;

import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.engine.wire.WireSegment;

/**
 * A captured segment parsed by the engine's one TCP codec ({@link TcpCodec}): the typed segment our
 * TCBs take and the display view the lab's events carry. {@link TcpCodec} reads IPv4 only, so the
 * captured TCP header is handed to it behind a made-up IPv4 header with a checksum of its own; the
 * view then gets back what the capture really holds: addresses, IP header, the checksum field and
 * whether it verified, every captured byte, the payload length the IP header gives.
 *
 * @param segment the segment for a TCB, its payload zero bytes of the right length (a TCB needs the
 *     length, not the content); null when even the fixed header was not captured
 * @param view the display view for {@code segment.sent}
 * @param problem why the options were dropped or the segment cannot be replayed, or null
 * @param checksum the captured segment's checksum verdict
 */
record CapturedTcp(TcpSegment segment, WireSegment view, String problem, CapturedSegment.Checksum checksum) {

    private static final Ipv4Address A = Ipv4Address.parse("192.0.2.1");
    private static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

    static CapturedTcp parse(CapturedSegment s, TcpHeader h) {
        byte[] tcp = s.tcp();
        int headerBytes = Math.min(h.headerLength(), tcp.length);
        String problem = null;
        TcpCodec.Decoded decoded;
        byte[] packet;
        if (headerBytes < h.headerLength()) {
            problem = "the capture cut the TCP header (snapshot length): options not shown";
            packet = headerOnly(tcp, 20);
            decoded = TcpCodec.decode(packet);
        } else {
            packet = headerOnly(tcp, h.headerLength());
            decoded = TcpCodec.decode(packet);
            if (decoded instanceof TcpCodec.Decoded.Rejected r) {
                // Options a stack would not send (bad lengths): replay the segment without them.
                problem = "TCP options cannot be parsed (" + r.reason().replaceFirst("^malformed: ", "")
                        + "): replayed without them";
                packet = headerOnly(tcp, 20);
                decoded = TcpCodec.decode(packet);
            }
        }
        TcpSegment segment = null;
        WireSegment base;
        if (decoded instanceof TcpCodec.Decoded.Accepted a) {
            segment = a.datagram().segment();
            base = TcpCodec.describeEncoded(packet, a.datagram());
            if (h.payloadLength() > 0) {
                segment =
                        segment.toBuilder().payload(new byte[h.payloadLength()]).build();
            }
        } else {
            base = TcpCodec.describe(packet);
            problem = ((TcpCodec.Decoded.Rejected) decoded).reason();
        }
        WireSegment view = new WireSegment(
                s.src().ip(),
                s.dst().ip(),
                base.srcPort(),
                base.dstPort(),
                base.seq(),
                base.ack(),
                ((tcp[12] & 0xff) >>> 4),
                base.flags(),
                base.window(),
                ((tcp[16] & 0xff) << 8) | (tcp[17] & 0xff),
                s.checksum() == CapturedSegment.Checksum.OK,
                base.urgentPointer(),
                headerBytes < h.headerLength() ? java.util.List.of() : base.options(),
                h.payloadLength(),
                Hex.of(tcp),
                Hex.of(s.ipHeader()),
                problem != null && segment == null ? problem : null);
        return new CapturedTcp(segment, view, problem, s.checksum());
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
