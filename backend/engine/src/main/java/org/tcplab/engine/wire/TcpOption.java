package org.tcplab.engine.wire;

import java.util.List;

/**
 * A TCP option as a typed value. Kinds and layouts: RFC 9293 §3.2 (EOL, NOP, MSS), RFC 7323
 * (window scale, timestamps), RFC 2018 (SACK-permitted, SACK).
 */
public sealed interface TcpOption {

    /** The option kind byte. */
    int kind();

    /** The schema name: MSS, WS, SACK_PERMITTED, SACK, TS, NOP, EOL, or the kind number. */
    String name();

    record EndOfList() implements TcpOption {
        public int kind() {
            return 0;
        }

        public String name() {
            return "EOL";
        }
    }

    record NoOp() implements TcpOption {
        public int kind() {
            return 1;
        }

        public String name() {
            return "NOP";
        }
    }

    /** Maximum segment size the sender can receive (RFC 9293 §3.7.1); SYN segments only. */
    record MaxSegmentSize(int mss) implements TcpOption {
        public MaxSegmentSize {
            if (mss < 0 || mss > 0xffff) throw new IllegalArgumentException("mss out of range: " + mss);
        }

        public int kind() {
            return 2;
        }

        public String name() {
            return "MSS";
        }
    }

    /** Window scale shift count (RFC 7323 §2); values above 14 are treated as 14 by the receiver. */
    record WindowScale(int shift) implements TcpOption {
        public WindowScale {
            if (shift < 0 || shift > 255) throw new IllegalArgumentException("shift out of range: " + shift);
        }

        public int kind() {
            return 3;
        }

        public String name() {
            return "WS";
        }
    }

    /** RFC 2018 §2: sent in a SYN to say SACK blocks may be sent. */
    record SackPermitted() implements TcpOption {
        public int kind() {
            return 4;
        }

        public String name() {
            return "SACK_PERMITTED";
        }
    }

    /** RFC 2018 §3: blocks of received data above the cumulative ACK; left edge inclusive, right exclusive. */
    record Sack(List<SackBlock> blocks) implements TcpOption {
        public Sack {
            blocks = List.copyOf(blocks);
            if (blocks.isEmpty() || blocks.size() > 4) {
                throw new IllegalArgumentException("a SACK option carries 1 to 4 blocks");
            }
        }

        public int kind() {
            return 5;
        }

        public String name() {
            return "SACK";
        }
    }

    record SackBlock(SeqNum left, SeqNum right) {}

    /** RFC 7323 §3: TSval and TSecr, unsigned 32-bit each (kept as int bits). */
    record Timestamps(int tsVal, int tsEcr) implements TcpOption {
        public int kind() {
            return 8;
        }

        public String name() {
            return "TS";
        }

        public long tsValUnsigned() {
            return Integer.toUnsignedLong(tsVal);
        }

        public long tsEcrUnsigned() {
            return Integer.toUnsignedLong(tsEcr);
        }
    }

    /** Any other kind, kept as raw data (without kind and length bytes) so it can be shown. */
    record Unknown(int kind, byte[] data) implements TcpOption {
        public Unknown {
            data = data.clone();
        }

        public String name() {
            return Integer.toString(kind);
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.kind == kind && java.util.Arrays.equals(u.data, data);
        }

        @Override
        public int hashCode() {
            return kind * 31 + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "Unknown[kind=" + kind + ", data=" + Hex.of(data) + "]";
        }
    }
}
