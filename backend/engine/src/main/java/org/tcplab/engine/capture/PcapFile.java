package org.tcplab.engine.capture;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.Consumer;

/**
 * The classic libpcap format (draft-ietf-opsawg-pcap): a 24-byte file header, then records of a
 * 16-byte header and the captured bytes. The magic number gives the byte order and whether record
 * timestamps count micro- or nanoseconds.
 */
final class PcapFile {

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;
    /** Alexey Kuznetzov's "modified pcap" (extra fields per record): old and rare. */
    private static final int MAGIC_MODIFIED = 0xa1b2cd34;

    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;

    private PcapFile() {}

    static boolean recognises(int magic) {
        for (int m : new int[] {MAGIC_MICROS, MAGIC_NANOS, MAGIC_MODIFIED}) {
            if (magic == m || magic == Integer.reverseBytes(m)) return true;
        }
        return false;
    }

    static void read(ByteBuffer b, Consumer<CapturedPacket> out) {
        int magic = b.getInt(0);
        if (magic == MAGIC_MODIFIED || magic == Integer.reverseBytes(MAGIC_MODIFIED)) {
            throw new CaptureFormatException(
                    "a \"modified pcap\" (Kuznetzov) file: not read here; re-save it as pcap or pcapng in Wireshark",
                    0);
        }
        boolean swapped = magic != MAGIC_MICROS && magic != MAGIC_NANOS;
        boolean nanos = (swapped ? Integer.reverseBytes(magic) : magic) == MAGIC_NANOS;
        ByteBuffer f = b.duplicate().order(swapped ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int size = f.limit();
        if (size < FILE_HEADER) {
            throw new CaptureFormatException(
                    "the pcap file header needs 24 bytes; the file ends after " + size + ": it is truncated", 0);
        }
        int major = Short.toUnsignedInt(f.getShort(4));
        int minor = Short.toUnsignedInt(f.getShort(6));
        if (major != 2) {
            throw new CaptureFormatException(
                    "pcap version " + major + "." + minor + ": only version 2 exists (the file header is damaged)", 4);
        }
        long network = Integer.toUnsignedLong(f.getInt(20));
        // The link type is the low 16 bits; the upper bits may say how many FCS bytes end each packet.
        int linkType = (int) (network & 0xffff);
        long unitsPerSecond = nanos ? 1_000_000_000L : 1_000_000L;
        long nanosPerUnit = nanos ? 1 : 1000;

        int pos = FILE_HEADER;
        long number = 0;
        while (pos < size) {
            number++;
            int left = size - pos;
            if (left < RECORD_HEADER) {
                throw new CaptureFormatException(
                        "the file ends in the header of packet " + number + " (offset " + pos + ", " + left
                                + " of its 16 bytes): the capture is truncated",
                        pos);
            }
            long seconds = Integer.toUnsignedLong(f.getInt(pos));
            long fraction = Integer.toUnsignedLong(f.getInt(pos + 4));
            long included = Integer.toUnsignedLong(f.getInt(pos + 8));
            long original = Integer.toUnsignedLong(f.getInt(pos + 12));
            if (included > CaptureLimits.MAX_PACKET_BYTES) {
                throw new CaptureFormatException(
                        "packet " + number + " (offset " + pos + ") claims " + included
                                + " captured bytes; no capture holds packets over " + CaptureLimits.MAX_PACKET_BYTES
                                + " bytes: the file is damaged",
                        pos);
            }
            if (included > left - RECORD_HEADER) {
                throw new CaptureFormatException(
                        "the file ends in the middle of packet " + number + " (offset " + pos + "): its header claims "
                                + included + " bytes, only " + (left - RECORD_HEADER)
                                + " remain; the capture is truncated",
                        pos);
            }
            // A fraction of a second or more is not what a writer means; carry it into the seconds.
            long timeNanos = seconds * 1_000_000_000L
                    + (fraction / unitsPerSecond) * 1_000_000_000L
                    + (fraction % unitsPerSecond) * nanosPerUnit;
            ByteBuffer data = f.slice(pos + RECORD_HEADER, (int) included)
                    .asReadOnlyBuffer()
                    .order(ByteOrder.BIG_ENDIAN);
            out.accept(new CapturedPacket(number, timeNanos, linkType, data, Math.max(original, included)));
            pos += RECORD_HEADER + (int) included;
        }
    }
}
