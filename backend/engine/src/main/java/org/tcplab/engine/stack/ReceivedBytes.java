package org.tcplab.engine.stack;

import java.util.Arrays;

/** Everything the application read on one connection: an append-only byte array that doubles as it grows. */
final class ReceivedBytes {

    private byte[] bytes = new byte[64];
    private int size;

    long append(byte[] data, int off, int len) {
        if (size + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
        }
        System.arraycopy(data, off, bytes, size, len);
        size += len;
        return size;
    }

    byte[] toArray() {
        return Arrays.copyOf(bytes, size);
    }
}
