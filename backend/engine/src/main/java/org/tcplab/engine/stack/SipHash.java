package org.tcplab.engine.stack;

/**
 * SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed pseudorandom function for short inputs, the
 * one Linux uses for its RFC 6528 ISNs ({@code secure_tcp_seq} in net/core/secure_seq.c).
 */
final class SipHash {

    private SipHash() {}

    /** SipHash-2-4 of {@code len} bytes of {@code in} under the key (k0, k1), each the key's 8 bytes read little-endian. */
    static long hash(long k0, long k1, byte[] in, int len) {
        State v = new State(k0, k1);
        int full = len & ~7;
        for (int i = 0; i < full; i += 8) v.compress(littleEndian(in, i, 8));
        v.compress(((long) len << 56) | littleEndian(in, full, len - full));
        v.v2 ^= 0xff;
        v.rounds(4);
        return v.v0 ^ v.v1 ^ v.v2 ^ v.v3;
    }

    /** The four words of internal state. */
    private static final class State {
        long v0;
        long v1;
        long v2;
        long v3;

        State(long k0, long k1) {
            v0 = k0 ^ 0x736f6d6570736575L;
            v1 = k1 ^ 0x646f72616e646f6dL;
            v2 = k0 ^ 0x6c7967656e657261L;
            v3 = k1 ^ 0x7465646279746573L;
        }

        /** One message word, with the 2 SipRounds of SipHash-2-4. */
        void compress(long m) {
            v3 ^= m;
            rounds(2);
            v0 ^= m;
        }

        void rounds(int n) {
            for (int r = 0; r < n; r++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13) ^ v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16) ^ v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21) ^ v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17) ^ v2;
                v2 = Long.rotateLeft(v2, 32);
            }
        }
    }

    /** {@code n} (0 to 8) bytes from {@code off}, the first the least significant. */
    static long littleEndian(byte[] b, int off, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = (v << 8) | (b[off + i] & 0xffL);
        return v;
    }
}
