package org.tcplab.engine.capture;

/** The Internet checksum's arithmetic (RFC 1071): one's complement sums of 16-bit words. */
final class OnesComplement {

    private OnesComplement() {}

    /** The sum of {@code b[from, to)} as big-endian 16-bit words (an odd byte padded), plus {@code initial}, folded. */
    static int sum(byte[] b, int from, int to, long initial) {
        long sum = initial;
        int i = from;
        for (; i + 1 < to; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if (i < to) sum += (b[i] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }
}
