package org.tcplab.engine.stack;

import org.tcplab.engine.wire.SeqNum;

/**
 * RFC 6528 §3: {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)}, where M is
 * a timer ticking every 4 microseconds and F is a pseudorandom function; here the low 32 bits of
 * SipHash-2-4 keyed with the secret over the 4-tuple, as Linux computes it ({@code secure_tcp_seq}:
 * SipHash of the addresses and ports). Deterministic for a given key and time, so a simulation
 * seeded with the same key replays the same ISNs; different 4-tuples get unrelated sequence spaces.
 */
public final class Rfc6528IsnSource implements IsnSource {

    private final long k0;
    private final long k1;
    /** The 4-tuple, encoded anew for each ISN (single-threaded like the host that owns this). */
    private final byte[] tuple = new byte[12];

    /** @param secretKey up to 16 bytes (SipHash's 128-bit key; shorter keys are padded with zeros) */
    public Rfc6528IsnSource(byte[] secretKey) {
        if (secretKey.length > 16) throw new IllegalArgumentException("the secret key is at most 16 bytes");
        byte[] k = new byte[16];
        System.arraycopy(secretKey, 0, k, 0, secretKey.length);
        this.k0 = SipHash.littleEndian(k, 0, 8);
        this.k1 = SipHash.littleEndian(k, 8, 8);
    }

    @Override
    public SeqNum isn(long nowUs, ConnectionKey key) {
        long m = nowUs / 4; // RFC 6528 §3: "M is the 4 microsecond timer"
        put(0, key.localIp().bits());
        put(4, key.remoteIp().bits());
        put(8, (key.localPort() << 16) | key.remotePort());
        long f = SipHash.hash(k0, k1, tuple, tuple.length);
        return new SeqNum((int) m + (int) f);
    }

    private void put(int off, int v) {
        tuple[off] = (byte) (v >>> 24);
        tuple[off + 1] = (byte) (v >>> 16);
        tuple[off + 2] = (byte) (v >>> 8);
        tuple[off + 3] = (byte) v;
    }
}
