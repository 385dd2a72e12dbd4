package org.tcplab.engine.capture;

import org.tcplab.engine.wire.SeqNum;

/**
 * The fixed TCP header fields of a captured segment, read straight from its bytes for bookkeeping
 * (conversations, retransmissions, windows). Options and payload are left to
 * {@link org.tcplab.engine.wire.TcpCodec} when the segment is replayed.
 *
 * @param headerLength the data offset in bytes (at least 20; the decoder checked the segment holds 20)
 * @param payloadLength the payload length from the IP header: right even when the capture cut the payload
 */
record TcpHeader(SeqNum seq, SeqNum ack, int flags, int window, int headerLength, int payloadLength) {

    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    static TcpHeader of(CapturedSegment s) {
        int headerLength = Math.max(20, (s.tcpByte(12) >>> 4) * 4);
        return new TcpHeader(
                new SeqNum(int32(s, 4)),
                new SeqNum(int32(s, 8)),
                s.tcpByte(13),
                (s.tcpByte(14) << 8) | s.tcpByte(15),
                headerLength,
                Math.max(0, s.tcpLength() - headerLength));
    }

    boolean syn() {
        return (flags & SYN) != 0;
    }

    boolean hasAck() {
        return (flags & ACK) != 0;
    }

    boolean fin() {
        return (flags & FIN) != 0;
    }

    boolean rst() {
        return (flags & RST) != 0;
    }

    /** SYN without ACK: an opening SYN. */
    boolean pureSyn() {
        return syn() && !hasAck();
    }

    /** SEG.LEN (RFC 9293 §3.4): payload plus one each for SYN and FIN. */
    int segLen() {
        return payloadLength + (syn() ? 1 : 0) + (fin() ? 1 : 0);
    }

    /** The sequence number after this segment. */
    SeqNum end() {
        return seq.plus(segLen());
    }

    private static int int32(CapturedSegment s, int at) {
        return (s.tcpByte(at) << 24) | (s.tcpByte(at + 1) << 16) | (s.tcpByte(at + 2) << 8) | s.tcpByte(at + 3);
    }
}
