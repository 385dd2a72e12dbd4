package org.tcplab.engine.capture;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks, each {@code type, length, body, length}.
 * A Section Header Block starts each section and fixes its byte order; Interface Description Blocks
 * number the interfaces of the section (link type, timestamp resolution); Enhanced, Simple and the
 * obsolete Packet Blocks carry packets. Every other block (name resolution, statistics, secrets,
 * custom ...) is skipped by its length.
 */
final class PcapngFile {

    static final int SHB = 0x0a0d0d0a;
    private static final int BYTE_ORDER_MAGIC = 0x1a2b3c4d;
    private static final int IDB = 1;
    private static final int OPB = 2;
    private static final int SPB = 3;
    private static final int EPB = 6;

    private static final int OPT_END = 0;
    private static final int IF_TSRESOL = 9;
    private static final int IF_TSOFFSET = 14;

    private PcapngFile() {}

    /** What a section says about one of its interfaces. */
    private record Interface(int linkType, long snapLength, Resolution resolution, long offsetSeconds) {}

    /** if_tsresol: timestamps count 10^-exponent or 2^-exponent seconds. */
    private record Resolution(boolean binary, int exponent) {
        static final Resolution MICROS = new Resolution(false, 6);

        long toNanos(long units, long offset, int number) {
            if (units < 0) {
                throw new CaptureFormatException(
                        "packet " + number + " has a timestamp beyond any date a capture can have", offset);
            }
            try {
                if (!binary) {
                    if (exponent <= 9) return Math.multiplyExact(units, POW10[9 - exponent]);
                    return units / POW10[exponent - 9];
                }
                BigInteger ns = BigInteger.valueOf(units)
                        .multiply(BigInteger.valueOf(1_000_000_000L))
                        .shiftRight(exponent);
                return ns.longValueExact();
            } catch (ArithmeticException e) {
                throw new CaptureFormatException(
                        "packet " + number + " has a timestamp beyond any date a capture can have", offset);
            }
        }
    }

    private static final long[] POW10 = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L, 10_000_000_000L
    };

    static void read(ByteBuffer file, Consumer<CapturedPacket> out) {
        // Block types are read big-endian until a section header says otherwise; f reads in the section's order.
        ByteBuffer be = file.duplicate().order(ByteOrder.BIG_ENDIAN);
        ByteBuffer f = file.duplicate();
        int size = f.limit();
        List<Interface> interfaces = new ArrayList<>();
        int pos = 0;
        int block = 0;
        int number = 0;
        long lastTimeNanos = 0;
        while (pos < size) {
            block++;
            int left = size - pos;
            if (left < 12) {
                throw new CaptureFormatException(
                        "the file ends in block " + block + " (offset " + pos + ", " + left
                                + " bytes; a block has at least 12): the capture is truncated",
                        pos);
            }
            int type = be.getInt(pos);
            if (type == SHB) {
                f = sectionOrder(be, file, pos, block);
                interfaces = new ArrayList<>();
            } else if (block == 1) {
                throw new CaptureFormatException("a pcapng file must start with a section header block", 0);
            } else {
                type = f.getInt(pos);
            }
            long length = Integer.toUnsignedLong(f.getInt(pos + 4));
            String what = "block " + block + " (" + name(type) + ", offset " + pos + ")";
            if (length < 12) {
                throw new CaptureFormatException(
                        what + " has length " + length + "; a block is at least 12 bytes: the file is damaged", pos);
            }
            if (length % 4 != 0) {
                throw new CaptureFormatException(
                        what + " has length " + length + ", not a multiple of 4: the file is damaged", pos);
            }
            if (length > left) {
                throw new CaptureFormatException(
                        what + " claims " + length + " bytes but only " + left + " remain: the capture is truncated",
                        pos);
            }
            int end = pos + (int) length;
            long trailer = Integer.toUnsignedLong(f.getInt(end - 4));
            if (trailer != length) {
                throw new CaptureFormatException(
                        what + " ends with length " + trailer + " but starts with " + length + ": the file is damaged",
                        pos);
            }
            int body = pos + 8;
            int bodyEnd = end - 4;
            switch (type) {
                case SHB -> {
                    need(what, body, bodyEnd, 16, pos);
                    int major = Short.toUnsignedInt(f.getShort(body + 4));
                    if (major != 1) {
                        throw new CaptureFormatException(
                                what + ": pcapng version " + major + "." + Short.toUnsignedInt(f.getShort(body + 6))
                                        + ", only version 1 exists",
                                pos);
                    }
                    options(f, body + 16, bodyEnd, what, pos, null);
                }
                case IDB -> {
                    need(what, body, bodyEnd, 8, pos);
                    int linkType = Short.toUnsignedInt(f.getShort(body));
                    long snap = Integer.toUnsignedLong(f.getInt(body + 4));
                    long[] found = {-1, 0};
                    options(f, body + 8, bodyEnd, what, pos, found);
                    Resolution res = found[0] < 0 ? Resolution.MICROS : resolution((int) found[0], what, pos);
                    interfaces.add(new Interface(linkType, snap, res, found[1]));
                }
                case EPB, OPB -> {
                    need(what, body, bodyEnd, 20, pos);
                    int ifId = type == EPB ? f.getInt(body) : Short.toUnsignedInt(f.getShort(body));
                    long high = Integer.toUnsignedLong(f.getInt(body + 4));
                    long low = Integer.toUnsignedLong(f.getInt(body + 8));
                    long captured = Integer.toUnsignedLong(f.getInt(body + 12));
                    long original = Integer.toUnsignedLong(f.getInt(body + 16));
                    Interface itf = iface(interfaces, ifId, what, pos);
                    long room = bodyEnd - (body + 20);
                    if (captured > room || captured > CaptureLimits.MAX_PACKET_BYTES) {
                        throw new CaptureFormatException(
                                what + " claims " + captured + " captured bytes but holds only " + room
                                        + ": the file is damaged",
                                pos);
                    }
                    int dataEnd = body + 20 + (int) ((captured + 3) & ~3L);
                    if (dataEnd > bodyEnd) dataEnd = bodyEnd;
                    if (type == EPB) options(f, dataEnd, bodyEnd, what, pos, null);
                    number++;
                    long units = (high << 32) | low;
                    lastTimeNanos = time(itf, units, pos, number);
                    emit(out, f, number, lastTimeNanos, itf, body + 20, (int) captured, original);
                }
                case SPB -> {
                    need(what, body, bodyEnd, 4, pos);
                    Interface itf = iface(interfaces, 0, what, pos);
                    long original = Integer.toUnsignedLong(f.getInt(body));
                    long captured = Math.min(original, bodyEnd - (body + 4L));
                    if (itf.snapLength() > 0) captured = Math.min(captured, itf.snapLength());
                    captured = Math.min(captured, CaptureLimits.MAX_PACKET_BYTES);
                    number++;
                    // A simple packet block has no timestamp: it takes the last one seen.
                    emit(out, f, number, lastTimeNanos, itf, body + 4, (int) captured, original);
                }
                default -> {
                    // Name resolution, interface statistics, decryption secrets, custom blocks: not needed.
                }
            }
            pos = end;
        }
    }

    private static ByteBuffer sectionOrder(ByteBuffer be, ByteBuffer file, int pos, int block) {
        if (be.limit() - pos < 12) {
            throw new CaptureFormatException(
                    "the file ends in block " + block + " (section header, offset " + pos
                            + "): the capture is truncated",
                    pos);
        }
        int magic = be.getInt(pos + 8);
        if (magic == BYTE_ORDER_MAGIC) return file.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (magic == Integer.reverseBytes(BYTE_ORDER_MAGIC))
            return file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        throw new CaptureFormatException(
                "block " + block + " (section header, offset " + pos + ") has byte-order magic "
                        + String.format("%08x", magic) + " instead of 1a2b3c4d: not a pcapng file, or a damaged one",
                pos);
    }

    private static void need(String what, int body, int bodyEnd, int bytes, int pos) {
        if (bodyEnd - body < bytes) {
            throw new CaptureFormatException(
                    what + " is too short for its fields (" + (bodyEnd - body) + " of " + bytes
                            + " bytes): the file is damaged",
                    pos);
        }
    }

    private static Interface iface(List<Interface> interfaces, int id, String what, int pos) {
        if (id < 0 || id >= interfaces.size()) {
            throw new CaptureFormatException(
                    what + " refers to interface " + Integer.toUnsignedString(id) + " but the section describes "
                            + interfaces.size() + (interfaces.size() == 1 ? " interface" : " interfaces")
                            + ": the file is damaged",
                    pos);
        }
        return interfaces.get(id);
    }

    private static long time(Interface itf, long units, int pos, int number) {
        long ns = itf.resolution().toNanos(units, pos, number);
        try {
            return Math.addExact(ns, Math.multiplyExact(itf.offsetSeconds(), 1_000_000_000L));
        } catch (ArithmeticException e) {
            throw new CaptureFormatException(
                    "packet " + number + " has a timestamp beyond any date a capture can have", pos);
        }
    }

    private static void emit(
            Consumer<CapturedPacket> out,
            ByteBuffer f,
            int number,
            long timeNanos,
            Interface itf,
            int from,
            int length,
            long original) {
        ByteBuffer data = f.slice(from, length).asReadOnlyBuffer().order(ByteOrder.BIG_ENDIAN);
        out.accept(new CapturedPacket(number, timeNanos, itf.linkType(), data, Math.max(original, length)));
    }

    /**
     * Walks an options list (code, length, value padded to 32 bits), each checked against the block's
     * end; for an interface description, {@code found} receives if_tsresol and if_tsoffset.
     */
    private static void options(ByteBuffer f, int from, int end, String what, int pos, long[] found) {
        int i = from;
        while (end - i >= 4) {
            int code = Short.toUnsignedInt(f.getShort(i));
            int len = Short.toUnsignedInt(f.getShort(i + 2));
            if (code == OPT_END) return;
            int padded = (len + 3) & ~3;
            if (padded > end - i - 4) {
                throw new CaptureFormatException(
                        what + ": option " + code + " at offset " + i + " claims " + len + " bytes, only "
                                + (end - i - 4) + " remain in the block: garbage options, the file is damaged",
                        pos);
            }
            if (found != null && code == IF_TSRESOL) {
                if (len != 1) {
                    throw new CaptureFormatException(
                            what + ": if_tsresol has length " + len + " instead of 1: the file is damaged", pos);
                }
                found[0] = f.get(i + 4) & 0xff;
            } else if (found != null && code == IF_TSOFFSET) {
                if (len != 8) {
                    throw new CaptureFormatException(
                            what + ": if_tsoffset has length " + len + " instead of 8: the file is damaged", pos);
                }
                found[1] = f.getLong(i + 4);
                if (Math.abs(found[1]) > 1L << 40) {
                    throw new CaptureFormatException(
                            what + ": if_tsoffset of " + found[1]
                                    + " seconds is not a date offset: the file is damaged",
                            pos);
                }
            }
            i += 4 + padded;
        }
        if (i != end) {
            // Fewer than four bytes left: not even an option header. Writers pad to 32 bits, so this is damage.
            throw new CaptureFormatException(
                    what + ": " + (end - i) + " stray bytes after its options: the file is damaged", pos);
        }
    }

    private static Resolution resolution(int v, String what, int pos) {
        boolean binary = (v & 0x80) != 0;
        int exponent = v & 0x7f;
        if ((!binary && exponent > 10) || (binary && exponent > 63)) {
            throw new CaptureFormatException(
                    what + ": if_tsresol " + (binary ? "2^-" : "10^-") + exponent
                            + " is not a timestamp resolution a capture uses: the file is damaged",
                    pos);
        }
        return new Resolution(binary, exponent);
    }

    private static String name(int type) {
        return switch (type) {
            case SHB -> "section header";
            case IDB -> "interface description";
            case OPB -> "packet";
            case SPB -> "simple packet";
            case EPB -> "enhanced packet";
            case 4 -> "name resolution";
            case 5 -> "interface statistics";
            case 10 -> "decryption secrets";
            default -> "type 0x" + Integer.toHexString(type);
        };
    }
}
