package org.tcplab.engine.capture;

import org.tcplab.engine.wire.PacketFormat;
import org.tcplab.engine.wire.TcpCodec;
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
        return TcpCodec.header(packet, tcpStart, tcpStart + tcpLength);
    }

    @Override
    public int wireLength(byte[] packet) {
        return tcpStart + tcpLength;
    }
}
