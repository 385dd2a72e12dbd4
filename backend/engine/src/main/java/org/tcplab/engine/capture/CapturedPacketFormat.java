package org.tcplab.engine.capture;

import org.tcplab.engine.wire.PacketFormat;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpHeaderFields;
import org.tcplab.engine.wire.WireSegment;

/**
 * How a captured packet lies in a capture lab's {@code segment.sent}: IPv4 or IPv6 from its IP
 * header on, the TCP header at {@code tcpStart} (after any IPv6 extension headers), and
 * {@code tcpLength} bytes of TCP by the IP header, of which the capture may hold fewer. The event
 * keeps only the bytes and this; the display view is made where it is shown ({@link CapturedTcp#describe}).
 */
record CapturedPacketFormat(int tcpStart, int tcpLength) implements PacketFormat {

    @Override
    public WireSegment describe(byte[] packet) {
        return CapturedTcp.describe(packet, tcpStart, tcpLength);
    }

    @Override
    public TcpHeaderFields header(byte[] packet) {
        int t = tcpStart;
        int headerLength = Math.max(20, (u8(packet, t + 12) >>> 4) * 4);
        return new TcpHeaderFields(
                u16(packet, t),
                u16(packet, t + 2),
                u32(packet, t + 4),
                u32(packet, t + 8),
                new TcpFlags(u8(packet, t + 13)),
                u16(packet, t + 14),
                Math.max(0, tcpLength - headerLength));
    }

    @Override
    public int wireLength(byte[] packet) {
        return tcpStart + tcpLength;
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xff;
    }

    private static int u16(byte[] b, int at) {
        return (u8(b, at) << 8) | u8(b, at + 1);
    }

    private static long u32(byte[] b, int at) {
        return ((long) u16(b, at) << 16) | u16(b, at + 2);
    }
}
