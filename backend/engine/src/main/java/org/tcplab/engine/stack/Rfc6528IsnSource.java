package org.tcplab.engine.stack;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.tcplab.engine.wire.SeqNum;

/**
 * RFC 6528 §3: {@code ISN = M + F(localip, localport, remoteip, remoteport, secretkey)}, where M is
 * a timer ticking every 4 microseconds and F is a pseudorandom function; here the first 32 bits of
 * SHA-256 over the 4-tuple and the key. Deterministic for a given key and time, so a simulation
 * seeded with the same key replays the same ISNs; different 4-tuples get unrelated sequence spaces.
 */
public final class Rfc6528IsnSource implements IsnSource {

    private final byte[] secretKey;
    private final MessageDigest sha256;

    public Rfc6528IsnSource(byte[] secretKey) {
        this.secretKey = secretKey.clone();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public SeqNum isn(long nowUs, ConnectionKey key) {
        long m = nowUs / 4; // RFC 6528 §3: "M is the 4 microsecond timer"
        byte[] in = new byte[12 + secretKey.length];
        put(in, 0, key.localIp().bits());
        in[4] = (byte) (key.localPort() >>> 8);
        in[5] = (byte) key.localPort();
        put(in, 6, key.remoteIp().bits());
        in[10] = (byte) (key.remotePort() >>> 8);
        in[11] = (byte) key.remotePort();
        System.arraycopy(secretKey, 0, in, 12, secretKey.length);
        sha256.reset();
        byte[] h = sha256.digest(in);
        int f = ((h[0] & 0xff) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        return new SeqNum((int) m + f);
    }

    private static void put(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
