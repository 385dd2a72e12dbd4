package org.tcplab.engine.stack;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the application read on one connection, in bounded memory: how many bytes, a SHA-256 of all
 * of them, and the last {@code tail} bytes (all of them while they fit). A lab may move gigabytes;
 * what scenarios and tests check is the count, the digest, or a short text.
 */
final class ReceivedBytes {

    private final int limit;
    private final MessageDigest sha256;
    private byte[] tail;
    /** Where the oldest kept byte is once the tail is full (a ring from then on). */
    private int start;

    private int size;
    private long total;

    ReceivedBytes(int limit) {
        this.limit = limit;
        this.tail = new byte[Math.min(64, limit)];
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** Appends {@code len} bytes and returns the total read so far. */
    long append(byte[] data, int off, int len) {
        sha256.update(data, off, len);
        total += len;
        if (len >= limit) {
            // Only the newest bytes survive: the last {@code limit} of this chunk.
            off += len - limit;
            len = limit;
            size = 0;
            start = 0;
        }
        ensure(Math.min(limit, size + len));
        // Invariant: start is 0 until the tail is full, then it is a ring.
        int fill = Math.min(len, limit - size);
        System.arraycopy(data, off, tail, size, fill);
        size += fill;
        off += fill;
        len -= fill;
        if (len > 0) {
            int first = Math.min(len, limit - start);
            System.arraycopy(data, off, tail, start, first);
            System.arraycopy(data, off + first, tail, 0, len - first);
            start = (start + len) % limit;
        }
        return total;
    }

    private void ensure(int capacity) {
        if (capacity > tail.length) {
            // Only while not full, so start is 0 and the kept bytes are tail[0, size).
            tail = Arrays.copyOf(tail, Math.min(limit, Math.max(tail.length * 2, capacity)));
        }
    }

    /** The kept bytes in order: everything read, or its last {@code limit} bytes. */
    byte[] tail() {
        byte[] out = new byte[size];
        int first = Math.min(size, tail.length - start);
        System.arraycopy(tail, start, out, 0, first);
        System.arraycopy(tail, 0, out, first, size - first);
        return out;
    }

    long total() {
        return total;
    }

    /** SHA-256 of every byte read so far, lower-case hex. */
    String sha256() {
        try {
            MessageDigest copy = (MessageDigest) sha256.clone();
            return HexFormat.of().formatHex(copy.digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 digests clone on every Java platform", e);
        }
    }
}
