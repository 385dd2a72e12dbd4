package org.tcplab.engine.capture;

/**
 * One TCP segment found in a capture, with what its IP header said, before any TCP-level parsing
 * (that is {@link org.tcplab.engine.wire.TcpCodec}'s job, done when the segment is replayed).
 *
 * @param number the packet's number in the file (Wireshark's frame number)
 * @param timeNanos when it was captured, nanoseconds since 1970 (UTC)
 * @param ipVersion 4 or 6
 * @param src the sender's address and port
 * @param dst the receiver's address and port
 * @param packet the IP packet as captured, from its IP header (IPv6: with its extension headers) to
 *     the last captured byte: shorter than the packet was when the capture's snapshot length cut it.
 *     This very array becomes the lab's {@code segment.sent} bytes
 * @param tcpStart where the TCP header starts in {@code packet}
 * @param tcpLength the segment's length as the IP header gives it
 * @param checksum whether the TCP checksum verifies over the pseudo-header
 */
public record CapturedSegment(
        long number,
        long timeNanos,
        int ipVersion,
        Endpoint src,
        Endpoint dst,
        byte[] packet,
        int tcpStart,
        int tcpLength,
        Checksum checksum) {

    /** The TCP checksum as the capture shows it. */
    public enum Checksum {
        OK,
        /** Wrong: corruption, or (on the sending host) a checksum the network card had yet to fill in. */
        BAD,
        /** Not all of the segment was captured, so it cannot be checked. */
        UNVERIFIABLE
    }

    /** True when the capture holds fewer bytes of the segment than it had. */
    public boolean truncated() {
        return capturedTcpLength() < tcpLength;
    }

    /** Bytes of the TCP segment the capture holds. */
    public int capturedTcpLength() {
        return packet.length - tcpStart;
    }

    /** The TCP header and payload as captured (a copy). */
    public byte[] tcp() {
        return java.util.Arrays.copyOfRange(packet, tcpStart, packet.length);
    }

    /** The byte at {@code offset} into the TCP header, unsigned. */
    int tcpByte(int offset) {
        return packet[tcpStart + offset] & 0xff;
    }

    /** An address (IPv4 dotted, IPv6 in RFC 5952 form) and a port. */
    public record Endpoint(String ip, int port) {
        /** {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}. */
        @Override
        public String toString() {
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
        }
    }
}
