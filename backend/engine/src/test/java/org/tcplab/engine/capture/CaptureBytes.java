package org.tcplab.engine.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.Hex;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Capture files made from bytes, for the link types and file variants this machine cannot record:
 * pcap in both byte orders with micro- or nanoseconds, pcapng with any blocks, frames of every link
 * type read here, and "captures" of a simulated lab as seen from one of its hosts.
 */
final class CaptureBytes {

    private CaptureBytes() {}

    record Frame(long timeNanos, byte[] data) {}

    static byte[] pcap(boolean little, boolean nanos, int linkType, List<Frame> frames) {
        ByteBuffer b = ByteBuffer.allocate(
                        24 + frames.stream().mapToInt(f -> 16 + f.data().length).sum())
                .order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4);
        b.putInt(0).putInt(0).putInt(262144).putInt(linkType);
        long unit = nanos ? 1 : 1000;
        for (Frame f : frames) {
            b.putInt((int) (f.timeNanos() / 1_000_000_000L));
            b.putInt((int) (f.timeNanos() % 1_000_000_000L / unit));
            b.putInt(f.data().length).putInt(f.data().length).put(f.data());
        }
        return b.array();
    }

    static byte[] pcap(int linkType, List<Frame> frames) {
        return pcap(true, false, linkType, frames);
    }

    /** pcapng blocks in one byte order; {@code build()} concatenates them. */
    static final class Pcapng {
        private final ByteOrder order;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pcapng(boolean little) {
            this.order = little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            section();
        }

        Pcapng section() {
            ByteBuffer body = buf(16);
            body.putInt(0x1a2b3c4d).putShort((short) 1).putShort((short) 0).putLong(-1);
            return block(0x0a0d0d0a, body.array());
        }

        Pcapng iface(int linkType) {
            return iface(linkType, -1, 0);
        }

        /** An interface; {@code tsresol} -1 leaves the option out (microseconds). */
        Pcapng iface(int linkType, int tsresol, long tsoffset) {
            ByteArrayOutputStream opts = new ByteArrayOutputStream();
            if (tsresol >= 0) opts.writeBytes(option(9, new byte[] {(byte) tsresol}));
            if (tsoffset != 0)
                opts.writeBytes(option(14, buf(8).putLong(tsoffset).array()));
            if (opts.size() > 0) opts.writeBytes(new byte[4]); // opt_endofopt
            ByteBuffer body = buf(8 + opts.size());
            body.putShort((short) linkType).putShort((short) 0).putInt(0).put(opts.toByteArray());
            return block(1, body.array());
        }

        Pcapng epb(int iface, long units, byte[] data) {
            ByteBuffer body = buf(20 + pad(data.length));
            body.putInt(iface).putInt((int) (units >>> 32)).putInt((int) units);
            body.putInt(data.length).putInt(data.length).put(data);
            return block(6, body.array());
        }

        Pcapng opb(int iface, long units, byte[] data) {
            ByteBuffer body = buf(20 + pad(data.length));
            body.putShort((short) iface)
                    .putShort((short) 0)
                    .putInt((int) (units >>> 32))
                    .putInt((int) units);
            body.putInt(data.length).putInt(data.length).put(data);
            return block(2, body.array());
        }

        Pcapng spb(byte[] data) {
            ByteBuffer body = buf(4 + pad(data.length));
            body.putInt(data.length).put(data);
            return block(3, body.array());
        }

        Pcapng block(int type, byte[] body) {
            int length = 12 + pad(body.length);
            ByteBuffer b = buf(length);
            b.putInt(type).putInt(length).put(body);
            b.position(length - 4);
            b.putInt(length);
            out.writeBytes(b.array());
            return this;
        }

        byte[] build() {
            return out.toByteArray();
        }

        private byte[] option(int code, byte[] value) {
            ByteBuffer b = buf(4 + pad(value.length));
            b.putShort((short) code).putShort((short) value.length).put(value);
            return b.array();
        }

        private ByteBuffer buf(int n) {
            return ByteBuffer.allocate(n).order(order);
        }
    }

    static int pad(int n) {
        return (n + 3) & ~3;
    }

    // ---- frames

    static byte[] ipv4(String src, String dst, TcpSegment s) {
        return TcpCodec.encode(new TcpDatagram(Ipv4Address.parse(src), Ipv4Address.parse(dst), s));
    }

    /** IPv6 (RFC 8200) with the given extension headers (each: next-header byte filled in here), then TCP. */
    static byte[] ipv6(byte[] src, byte[] dst, TcpSegment s, byte[]... extensions) {
        byte[] v4 = TcpCodec.encode(new TcpDatagram(Ipv4Address.parse("0.0.0.0"), Ipv4Address.parse("0.0.0.0"), s));
        byte[] tcp = java.util.Arrays.copyOfRange(v4, 20, v4.length);
        int ext = 0;
        for (byte[] e : extensions) ext += e.length;
        ByteBuffer b = ByteBuffer.allocate(40 + ext + tcp.length);
        b.putInt(0x60000000).putShort((short) (ext + tcp.length));
        b.put((byte) (extensions.length == 0 ? 6 : extensions[0][0] & 0xff)).put((byte) 64);
        b.put(src).put(dst);
        for (int i = 0; i < extensions.length; i++) {
            byte[] e = extensions[i].clone();
            // Each header's first byte names the next one; the caller's first byte says what this one is.
            e[0] = (byte) (i + 1 < extensions.length ? extensions[i + 1][0] : 6);
            b.put(e);
        }
        // The TCP checksum over the IPv6 pseudo-header (RFC 8200 §8.1).
        tcp[16] = 0;
        tcp[17] = 0;
        long sum = 0;
        for (int i = 0; i < 16; i += 2) sum += u16(src, i) + u16(dst, i);
        sum += 6 + tcp.length;
        for (int i = 0; i + 1 < tcp.length; i += 2) sum += u16(tcp, i);
        if ((tcp.length & 1) != 0) sum += (tcp[tcp.length - 1] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        int c = ~(int) sum & 0xffff;
        tcp[16] = (byte) (c >>> 8);
        tcp[17] = (byte) c;
        b.put(tcp);
        return b.array();
    }

    /** An extension header of {@code type} (hop-by-hop 0, routing 43, destination 60): 8 bytes. */
    static byte[] extension(int type) {
        byte[] e = new byte[8];
        e[0] = (byte) type;
        return e;
    }

    static byte[] ethernet(byte[] payload, int etherType, int... vlanTpids) {
        ByteBuffer b = ByteBuffer.allocate(14 + 4 * vlanTpids.length + payload.length);
        b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        for (int tpid : vlanTpids) b.putShort((short) tpid).putShort((short) 42);
        b.putShort((short) etherType).put(payload);
        return b.array();
    }

    static byte[] sll(byte[] payload, int protocol) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length);
        b.putShort((short) 0)
                .putShort((short) 1)
                .putShort((short) 6)
                .put(new byte[8])
                .putShort((short) protocol);
        return b.put(payload).array();
    }

    static byte[] sll2(byte[] payload, int protocol) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putShort((short) protocol).putShort((short) 0).putInt(1).putShort((short) 1);
        b.put((byte) 0).put((byte) 6).put(new byte[8]);
        return b.put(payload).array();
    }

    /** BSD loopback: the family in the capturing machine's byte order (0) or network order (108). */
    static byte[] loopback(byte[] payload, int family, boolean little) {
        ByteBuffer b =
                ByteBuffer.allocate(4 + payload.length).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        return b.putInt(family).put(payload).array();
    }

    // ---- a simulated lab as a capture taken on one of its hosts

    /**
     * The segments of a simulated lab as a capture on {@code at} would hold them: its own segments
     * when it sends them, the other host's when they reach it (lost ones never do). Raw IPv4 frames.
     */
    static List<Frame> capturedAt(HostName at, List<LoggedEvent> log) {
        Map<Long, byte[]> sent = new HashMap<>();
        List<Frame> out = new ArrayList<>();
        for (LoggedEvent e : log) {
            if (e.event() instanceof LabEvent.SegmentSent s) {
                byte[] packet = Hex.parse(s.segment().ipHeader() + s.segment().bytes());
                if (s.from() == at) out.add(new Frame(1_700_000_000_000_000_000L + s.timeUs() * 1000, packet));
                else sent.put(s.segmentId(), packet);
            } else if (e.event() instanceof LabEvent.SegmentDelivered d && d.to() == at) {
                byte[] packet = sent.get(d.segmentId());
                if (packet != null) out.add(new Frame(1_700_000_000_000_000_000L + d.timeUs() * 1000, packet));
            }
        }
        return out;
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
