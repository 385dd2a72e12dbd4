package org.tcplab.engine.wire;

import java.util.List;

/**
 * The on-the-wire view of one IPv4+TCP packet, for display: every header field as encoded,
 * including the ones the state machine never sees (data offset, checksum and whether it verifies).
 * Built by {@link TcpCodec#describe(byte[])} from bytes, so it exists even for a packet that fails
 * to parse ({@code malformed} then says why and the fields hold what could be read, zero otherwise).
 *
 * @param seq absolute, unsigned 32-bit
 * @param ack absolute, unsigned 32-bit (the header field, whether or not ACK is set)
 * @param options the parsed options; empty if they could not be parsed
 * @param bytes the whole TCP segment (header and payload) as lower-case hex
 * @param ipHeader the IPv4 header as lower-case hex
 * @param malformed null when the packet parsed, else the reason it was rejected
 */
public record WireSegment(
        String srcIp,
        String dstIp,
        int srcPort,
        int dstPort,
        long seq,
        long ack,
        int dataOffset,
        List<String> flags,
        int window,
        int checksum,
        boolean checksumOk,
        int urgentPointer,
        List<TcpOption> options,
        int payloadLength,
        String bytes,
        String ipHeader,
        String malformed) {

    public WireSegment {
        flags = List.copyOf(flags);
        options = List.copyOf(options);
    }
}
