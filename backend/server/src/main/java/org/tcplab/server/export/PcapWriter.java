package org.tcplab.server.export;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;

/**
 * The classic libpcap file format, written in plain Java: a 24-byte global header, then per packet a
 * 16-byte record header and the packet. LINKTYPE_RAW (101): each packet is an IP header onward
 * (IPv4, or IPv6 in a capture lab; readers tell them by the version), exactly the bytes a
 * {@code segment.sent} carries, captured as sent (before the link's faults); a captured packet that
 * its own capture cut keeps its original length.
 * Timestamps are the lab's (virtual) times in microseconds. Little-endian, as most writers do;
 * readers tell the byte order from the magic number. Nothing native, no temporary file, no lock:
 * each call builds its own bytes, so captures stream page by page.
 */
public final class PcapWriter {

    static final int MAGIC_MICROSECONDS = 0xa1b2c3d4;
    static final int LINKTYPE_RAW = 101;
    /** The largest IPv4 packet: nothing we log is ever cut here (a capture lab's packets are as captured). */
    static final int SNAPLEN = 65535;

    static final int GLOBAL_HEADER = 24;
    static final int RECORD_HEADER = 16;

    private PcapWriter() {}

    /** The global header: magic, version 2.4, GMT offset 0, accuracy 0, snap length, link type. */
    public static byte[] header() {
        return ByteBuffer.allocate(GLOBAL_HEADER)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(MAGIC_MICROSECONDS)
                .putShort((short) 2)
                .putShort((short) 4)
                .putInt(0)
                .putInt(0)
                .putInt(SNAPLEN)
                .putInt(LINKTYPE_RAW)
                .array();
    }

    /** The records of the {@code segment.sent} events among {@code events}, in order (empty if none). */
    public static byte[] records(List<LoggedEvent> events) {
        int size = 0;
        for (LoggedEvent e : events) {
            if (e.event() instanceof LabEvent.SegmentSent s) size += RECORD_HEADER + s.packet().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (LoggedEvent e : events) {
            if (e.event() instanceof LabEvent.SegmentSent s) {
                record(out, s.timeUs(), s.packet(), s.format().wireLength(s.packet()));
            }
        }
        return out.array();
    }

    /** One record: seconds, microseconds, captured length, original length, the packet. */
    static void record(ByteBuffer out, long timeUs, byte[] packet, int originalLength) {
        out.putInt((int) (timeUs / 1_000_000))
                .putInt((int) (timeUs % 1_000_000))
                .putInt(packet.length)
                .putInt(Math.max(packet.length, originalLength))
                .put(packet);
    }

    /** A whole file at once (tests and small labs); the endpoint streams {@link #records} page by page. */
    public static byte[] write(List<LoggedEvent> events) {
        byte[] h = header();
        byte[] r = records(events);
        byte[] out = new byte[h.length + r.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(r, 0, out, h.length, r.length);
        return out;
    }
}
