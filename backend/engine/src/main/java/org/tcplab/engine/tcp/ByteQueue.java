package org.tcplab.engine.tcp;

import java.util.ArrayList;

/**
 * A FIFO of bytes in fixed blocks: append at the tail, read anywhere, drop from the head, all
 * without copying what stays. Holds no memory while empty, so an idle connection costs nothing here.
 */
final class ByteQueue {

    private static final int BLOCK = 16 * 1024;
    private static final int MIN_BLOCK = 64;

    private ArrayList<byte[]> blocks;
    /** Index of the head block in {@code blocks}. */
    private int first;
    /** Offset of the head byte inside the head block. */
    private int headOff;

    private long size;

    long size() {
        return size;
    }

    void append(byte[] data, int off, int len) {
        if (len <= 0) return;
        if (blocks == null) blocks = new ArrayList<>(4);
        while (len > 0) {
            long abs = headOff + size;
            int blockIdx = first + (int) (abs / BLOCK);
            int inBlock = (int) (abs % BLOCK);
            int n = Math.min(len, BLOCK - inBlock);
            System.arraycopy(data, off, tailBlock(blockIdx, inBlock + n), inBlock, n);
            off += n;
            len -= n;
            size += n;
        }
    }

    /**
     * The block at {@code blockIdx} (always the tail), with room for {@code needed} bytes. Blocks are
     * addressed with a fixed stride of BLOCK bytes, but the tail starts small and doubles up to BLOCK:
     * most lab connections send a few bytes, and a 16 KiB block each would dominate their cost.
     */
    private byte[] tailBlock(int blockIdx, int needed) {
        if (blockIdx == blocks.size()) {
            blocks.add(new byte[Math.min(BLOCK, Math.max(MIN_BLOCK, Integer.highestOneBit(needed - 1) << 1))]);
        }
        byte[] b = blocks.get(blockIdx);
        if (b.length < needed) {
            b = java.util.Arrays.copyOf(b, Math.min(BLOCK, Math.max(needed, b.length * 2)));
            blocks.set(blockIdx, b);
        }
        return b;
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after the head. */
    byte[] copy(long offset, int len) {
        if (offset < 0 || len < 0 || offset + len > size) {
            throw new IndexOutOfBoundsException("copy " + offset + "+" + len + " of " + size);
        }
        byte[] out = new byte[len];
        int done = 0;
        while (done < len) {
            long abs = headOff + offset + done;
            byte[] b = blocks.get(first + (int) (abs / BLOCK));
            int inBlock = (int) (abs % BLOCK);
            int n = Math.min(len - done, BLOCK - inBlock);
            System.arraycopy(b, inBlock, out, done, n);
            done += n;
        }
        return out;
    }

    void drop(long n) {
        if (n <= 0) return;
        if (n >= size) {
            clear();
            return;
        }
        size -= n;
        long abs = headOff + n;
        int whole = (int) (abs / BLOCK);
        for (int i = 0; i < whole; i++) blocks.set(first + i, null);
        first += whole;
        headOff = (int) (abs % BLOCK);
        if (first > 32 && first * 2 > blocks.size()) {
            blocks.subList(0, first).clear();
            first = 0;
        }
    }

    void clear() {
        blocks = null;
        first = 0;
        headOff = 0;
        size = 0;
    }
}
