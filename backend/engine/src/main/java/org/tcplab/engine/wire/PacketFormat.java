package org.tcplab.engine.wire;

/**
 * How the bytes a {@code segment.sent} carries are laid out, so that its display view is made from
 * them where it is shown (JSON, pcap, verdicts) and never when the segment is logged. Our stacks and
 * the Linux kernel's frames are IPv4 packets, read by {@link TcpCodec} ({@link #IPV4}); a captured
 * conversation's packets are IPv4 or IPv6 as captured, possibly cut by the capture's snapshot
 * length ({@code capture} package).
 */
public interface PacketFormat {

    /** The display view of {@code packet}; never throws. */
    WireSegment describe(byte[] packet);

    /** The TCP header's fields, read without decoding or copying. */
    TcpHeaderFields header(byte[] packet);

    /** The packet's length on the wire: more than {@code packet.length} when a capture cut it. */
    default int wireLength(byte[] packet) {
        return packet.length;
    }

    /** IPv4 packets as sent, whole: what {@link TcpCodec} encodes and decodes. */
    PacketFormat IPV4 = Ipv4.FORMAT;

    /** {@link #IPV4}'s one instance (an enum: a name in {@code toString}, one value ever). */
    enum Ipv4 implements PacketFormat {
        FORMAT;

        @Override
        public WireSegment describe(byte[] packet) {
            return TcpCodec.describe(packet);
        }

        @Override
        public TcpHeaderFields header(byte[] packet) {
            return TcpCodec.header(packet);
        }
    }
}
