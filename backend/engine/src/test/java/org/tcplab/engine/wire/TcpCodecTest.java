package org.tcplab.engine.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.wire.TcpCodec.Decoded;

class TcpCodecTest {

    static final Ipv4Address A = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

    static TcpSegment synWithAllOptions() {
        return TcpSegment.builder(40000, 80)
                .seq(0xfffffff0L)
                .flags(TcpFlag.SYN, TcpFlag.ECE, TcpFlag.CWR)
                .window(65535)
                .options(
                        new TcpOption.MaxSegmentSize(1460),
                        new TcpOption.SackPermitted(),
                        new TcpOption.Timestamps(0x80000001, 0),
                        new TcpOption.NoOp(),
                        new TcpOption.WindowScale(7))
                .build();
    }

    static TcpSegment dataWithSack() {
        return TcpSegment.builder(80, 40000)
                .seq(301)
                .ack(101)
                .flags(TcpFlag.PSH)
                .window(1024)
                .urgentPointer(0)
                .options(
                        new TcpOption.NoOp(),
                        new TcpOption.NoOp(),
                        new TcpOption.Sack(List.of(
                                new TcpOption.SackBlock(SeqNum.of(2000), SeqNum.of(3000)),
                                new TcpOption.SackBlock(SeqNum.of(4000), SeqNum.of(5000)))))
                .payload("hello, world".getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    @Nested
    class Encoding {

        @Test
        void bytesAgreeFieldByFieldWithAnIndependentParser() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, synWithAllOptions()));
            Independent p = Independent.parse(bytes);

            assertThat(p.version).isEqualTo(4);
            assertThat(p.ihl).isEqualTo(20);
            assertThat(p.totalLength).isEqualTo(bytes.length);
            assertThat(p.protocol).isEqualTo(6);
            assertThat(p.ttl).isEqualTo(64);
            assertThat(p.dontFragment).isTrue();
            assertThat(p.src).isEqualTo(A.bits());
            assertThat(p.dst).isEqualTo(B.bits());
            assertThat(p.srcPort).isEqualTo(40000);
            assertThat(p.dstPort).isEqualTo(80);
            assertThat(p.seq).isEqualTo(0xfffffff0L);
            assertThat(p.ack).isZero();
            // MSS(4) + SACK_PERMITTED(2) + TS(10) + NOP(1) + WS(3) = 20 bytes of options.
            assertThat(p.dataOffset).isEqualTo(10);
            assertThat(p.flags).isEqualTo(TcpFlag.SYN.bit() | TcpFlag.ECE.bit() | TcpFlag.CWR.bit());
            assertThat(p.window).isEqualTo(65535);
            assertThat(p.optionKinds).containsExactly(2, 4, 8, 1, 3);
            assertThat(p.ipChecksumValid).isTrue();
            assertThat(p.tcpChecksumValid).isTrue();
        }

        @Test
        void payloadAndAckAreWhereTheRfcPutsThem() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(B, A, dataWithSack()));
            Independent p = Independent.parse(bytes);
            assertThat(p.seq).isEqualTo(301);
            assertThat(p.ack).isEqualTo(101);
            assertThat(p.flags).isEqualTo(TcpFlag.ACK.bit() | TcpFlag.PSH.bit());
            assertThat(new String(p.payload, StandardCharsets.US_ASCII)).isEqualTo("hello, world");
            assertThat(p.optionKinds).containsExactly(1, 1, 5);
            assertThat(p.tcpChecksumValid).isTrue();
        }

        @Test
        void optionsNotEndingOnAWordBoundaryArePadded() {
            TcpSegment s = TcpSegment.builder(1, 2)
                    .flags(TcpFlag.SYN)
                    .options(new TcpOption.MaxSegmentSize(536), new TcpOption.WindowScale(2))
                    .build();
            Independent p = Independent.parse(TcpCodec.encode(new TcpDatagram(A, B, s)));
            assertThat(p.dataOffset).isEqualTo(7); // 20 + 4 + 3 -> 28 bytes
            assertThat(p.tcpChecksumValid).isTrue();
        }
    }

    @Nested
    class Decoding {

        @Test
        void roundTripsEveryField() {
            for (TcpSegment s : List.of(synWithAllOptions(), dataWithSack())) {
                TcpDatagram d = new TcpDatagram(A, B, s);
                Decoded decoded = TcpCodec.decode(TcpCodec.encode(d));
                assertThat(decoded).isEqualTo(new Decoded.Accepted(d));
            }
        }

        @Test
        void aFlippedBitFailsTheChecksum() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, dataWithSack()));
            bytes[bytes.length - 1] ^= 0x04;
            assertThat(TcpCodec.decode(bytes)).isEqualTo(new Decoded.Rejected("checksum"));
        }

        @Test
        void aBadIpHeaderChecksumIsNamed() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, dataWithSack()));
            bytes[8] ^= 0x01; // TTL
            assertThat(TcpCodec.decode(bytes)).isEqualTo(new Decoded.Rejected("checksum: IPv4 header"));
        }

        @Test
        void truncatedHeadersAreMalformed() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, synWithAllOptions()));
            assertThat(reason(java.util.Arrays.copyOf(bytes, 12))).startsWith("malformed: truncated IPv4 header");
            byte[] shortTcp = java.util.Arrays.copyOf(bytes, 30);
            shortTcp[2] = 0;
            shortTcp[3] = 30;
            assertThat(reason(shortTcp)).startsWith("malformed: truncated TCP header");
        }

        @Test
        void dataOffsetOutOfRangeIsMalformed() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, dataWithSack()));
            bytes[20 + 12] = (byte) (4 << 4);
            assertThat(reason(bytes)).isEqualTo("malformed: data offset 4 out of range");
            bytes[20 + 12] = (byte) (15 << 4);
            assertThat(reason(bytes)).isEqualTo("malformed: data offset 15 out of range");
        }

        @Test
        void anOptionLengthRunningPastTheHeaderIsMalformed() {
            TcpSegment s = TcpSegment.builder(1, 2)
                    .flags(TcpFlag.SYN)
                    .options(new TcpOption.MaxSegmentSize(1460))
                    .build();
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, s));
            bytes[20 + 21] = 9; // MSS claims 9 bytes inside a 4-byte option area
            fixTcpChecksum(bytes);
            assertThat(reason(bytes)).startsWith("malformed:");
        }

        @Test
        void aWrongLengthForAKnownOptionIsMalformed() {
            TcpSegment s = TcpSegment.builder(1, 2)
                    .flags(TcpFlag.SYN)
                    .options(
                            new TcpOption.MaxSegmentSize(1460),
                            new TcpOption.NoOp(),
                            new TcpOption.NoOp(),
                            new TcpOption.NoOp(),
                            new TcpOption.NoOp())
                    .build();
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, s));
            bytes[20 + 21] = 5; // MSS with length 5
            fixTcpChecksum(bytes);
            assertThat(reason(bytes)).startsWith("malformed:");
        }

        @Test
        void notTcpIsRejectedNotThrown() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, dataWithSack()));
            bytes[9] = 17;
            assertThat(reason(bytes)).isEqualTo("malformed: IP protocol 17 is not TCP");
        }

        private String reason(byte[] bytes) {
            Decoded d = TcpCodec.decode(bytes);
            assertThat(d).isInstanceOf(Decoded.Rejected.class);
            return ((Decoded.Rejected) d).reason();
        }
    }

    @Nested
    class Describing {

        @Test
        void showsEveryHeaderFieldAsEncoded() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(B, A, dataWithSack()));
            WireSegment w = TcpCodec.describe(bytes);
            Independent p = Independent.parse(bytes);
            assertThat(w.srcIp()).isEqualTo("192.0.2.2");
            assertThat(w.dstIp()).isEqualTo("192.0.2.1");
            assertThat(w.seq()).isEqualTo(301);
            assertThat(w.ack()).isEqualTo(101);
            assertThat(w.flags()).containsExactly("ACK", "PSH");
            assertThat(w.dataOffset()).isEqualTo(p.dataOffset);
            assertThat(w.checksum()).isEqualTo(p.tcpChecksum);
            assertThat(w.checksumOk()).isTrue();
            assertThat(w.payloadLength()).isEqualTo(12);
            assertThat(w.bytes()).isEqualTo(Hex.of(bytes, 20, bytes.length));
            assertThat(w.ipHeader()).isEqualTo(Hex.of(bytes, 0, 20));
            assertThat(w.options()).hasSize(3);
            assertThat(w.malformed()).isNull();
        }

        @Test
        void theHeaderFieldsReadWithoutDecodingSayWhatTheDisplayViewSays() {
            for (TcpSegment s : List.of(synWithAllOptions(), dataWithSack())) {
                byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, s));
                WireSegment w = TcpCodec.describe(bytes);
                TcpHeaderFields h = TcpCodec.header(bytes);
                assertThat(h.srcPort()).isEqualTo(w.srcPort());
                assertThat(h.dstPort()).isEqualTo(w.dstPort());
                assertThat(h.seq()).isEqualTo(w.seq());
                assertThat(h.ack()).isEqualTo(w.ack());
                assertThat(h.flags().names()).isEqualTo(w.flags());
                assertThat(h.window()).isEqualTo(w.window());
                assertThat(h.payloadLength()).isEqualTo(w.payloadLength());
            }
        }

        @Test
        void headerFieldsOfAFewBytesAreZeroesNotAnException() {
            for (int n = 0; n < 40; n++) {
                assertThat(TcpCodec.header(new byte[n]).payloadLength()).isZero();
            }
        }

        @Test
        void aBrokenPacketIsStillShownInFull() {
            byte[] bytes = TcpCodec.encode(new TcpDatagram(A, B, dataWithSack()));
            bytes[bytes.length - 1] ^= 0x01;
            WireSegment w = TcpCodec.describe(bytes);
            assertThat(w.checksumOk()).isFalse();
            assertThat(w.malformed()).isEqualTo("checksum");
            assertThat(w.seq()).isEqualTo(301);
            assertThat(w.bytes()).isEqualTo(Hex.of(bytes, 20, bytes.length));
        }

        @Test
        void evenAFewBytesDoNotThrow() {
            for (int n = 0; n < 60; n++) {
                WireSegment w = TcpCodec.describe(new byte[n]);
                assertThat(w.malformed()).isNotNull();
            }
        }
    }

    /** Recomputes the TCP checksum in place after a test edits the bytes (RFC 9293 §3.1). */
    static void fixTcpChecksum(byte[] b) {
        b[36] = 0;
        b[37] = 0;
        int sum = Independent.tcpChecksum(b);
        b[36] = (byte) (sum >>> 8);
        b[37] = (byte) sum;
    }

    /** A parser written from RFC 791 and RFC 9293 §3.1 with no shared code, to cross-check ours. */
    static final class Independent {
        int version, ihl, totalLength, ttl, protocol, src, dst;
        boolean dontFragment, ipChecksumValid, tcpChecksumValid;
        int srcPort, dstPort, dataOffset, flags, window, tcpChecksum;
        long seq, ack;
        List<Integer> optionKinds = new ArrayList<>();
        byte[] payload;

        static Independent parse(byte[] b) {
            ByteBuffer buf = ByteBuffer.wrap(b);
            Independent p = new Independent();
            p.version = (b[0] & 0xf0) >> 4;
            p.ihl = (b[0] & 0x0f) * 4;
            p.totalLength = buf.getShort(2) & 0xffff;
            p.dontFragment = (buf.getShort(6) & 0x4000) != 0;
            p.ttl = b[8] & 0xff;
            p.protocol = b[9] & 0xff;
            p.src = buf.getInt(12);
            p.dst = buf.getInt(16);
            p.ipChecksumValid = ones(b, 0, p.ihl, 0) == 0xffff;
            int t = p.ihl;
            p.srcPort = buf.getShort(t) & 0xffff;
            p.dstPort = buf.getShort(t + 2) & 0xffff;
            p.seq = buf.getInt(t + 4) & 0xffffffffL;
            p.ack = buf.getInt(t + 8) & 0xffffffffL;
            p.dataOffset = (b[t + 12] & 0xf0) >> 4;
            p.flags = b[t + 13] & 0xff;
            p.window = buf.getShort(t + 14) & 0xffff;
            p.tcpChecksum = buf.getShort(t + 16) & 0xffff;
            for (int i = t + 20; i < t + p.dataOffset * 4; ) {
                int kind = b[i] & 0xff;
                if (kind == 0) break;
                p.optionKinds.add(kind);
                i += kind == 1 ? 1 : (b[i + 1] & 0xff);
            }
            p.payload = java.util.Arrays.copyOfRange(b, t + p.dataOffset * 4, p.totalLength);
            p.tcpChecksumValid = tcpChecksum(b) == 0;
            return p;
        }

        /** The one's complement checksum over pseudo-header and segment; 0 when the stored one is right. */
        static int tcpChecksum(byte[] b) {
            int ihl = (b[0] & 0x0f) * 4;
            int total = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
            int tcpLen = total - ihl;
            long sum = 0;
            sum += ((b[12] & 0xff) << 8 | (b[13] & 0xff)) + ((b[14] & 0xff) << 8 | (b[15] & 0xff));
            sum += ((b[16] & 0xff) << 8 | (b[17] & 0xff)) + ((b[18] & 0xff) << 8 | (b[19] & 0xff));
            sum += 6 + tcpLen;
            return (~ones(b, ihl, total, sum)) & 0xffff;
        }

        static int ones(byte[] b, int from, int to, long sum) {
            for (int i = from; i < to; i += 2) {
                int hi = b[i] & 0xff;
                int lo = i + 1 < to ? b[i + 1] & 0xff : 0;
                sum += (hi << 8) | lo;
            }
            while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
            return (int) sum;
        }
    }
}
