package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The reference vectors of the SipHash paper (Appendix A) and its vectors.h. */
class SipHashTest {

    private static final byte[] KEY = sequence(16);
    private static final long K0 = SipHash.littleEndian(KEY, 0, 8);
    private static final long K1 = SipHash.littleEndian(KEY, 8, 8);

    private static byte[] sequence(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) i;
        return b;
    }

    @Test
    void thePapersExample() {
        assertThat(SipHash.hash(K0, K1, sequence(15), 15)).isEqualTo(0xa129ca6149be45e5L);
    }

    @Test
    void theEmptyMessage() {
        assertThat(SipHash.hash(K0, K1, new byte[0], 0)).isEqualTo(0x726fdb47dd0e0e31L);
    }

    @Test
    void eightBytesFillOneBlockExactly() {
        // vectors.h, input 00 01 .. 07: 62 24 93 9a 79 f5 f5 93
        assertThat(SipHash.hash(K0, K1, sequence(8), 8)).isEqualTo(0x93f5f5799a932462L);
    }
}
