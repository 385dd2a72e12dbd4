package org.tcplab.engine.wire;

/**
 * IPv4+TCP bytes to and from {@link TcpDatagram}, with RFC 9293 §3.1 checksums (pseudo-header
 * included). This is the edge: untrusted bytes become a checked segment here and nowhere else.
 * Decoding never throws; a packet that cannot be trusted comes back as {@link Decoded.Rejected}.
 */
public final class TcpCodec {

    private TcpCodec() {}

    /** Encodes an IPv4 packet (20-byte header, DF, TTL 64, protocol 6) with correct checksums. */
    public static byte[] encode(TcpDatagram datagram) {
        throw new UnsupportedOperationException("TODO: implement (wire helper)");
    }

    /** Parses and verifies; never throws. */
    public static Decoded decode(byte[] ipPacket) {
        throw new UnsupportedOperationException("TODO: implement (wire helper)");
    }

    /** The display view of any bytes, however broken; never throws. */
    public static WireSegment describe(byte[] ipPacket) {
        throw new UnsupportedOperationException("TODO: implement (wire helper)");
    }

    /** The result of decoding: a checked datagram, or the reason the packet was rejected. */
    public sealed interface Decoded {
        /** A packet with valid IPv4 and TCP checksums and well-formed header and options. */
        record Accepted(TcpDatagram datagram) implements Decoded {}

        /**
         * @param reason schema form: {@code checksum}, or {@code malformed: <free text>}
         */
        record Rejected(String reason) implements Decoded {}
    }
}
