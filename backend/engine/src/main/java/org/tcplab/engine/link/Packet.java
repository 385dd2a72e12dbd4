package org.tcplab.engine.link;

import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpFlags;

/**
 * One IPv4 packet on the simulated wire, as bytes (the link never parses more than it must).
 *
 * @param segmentId the lab's segment id, given when the packet entered the link
 * @param from the host that put it on the wire; it travels to the other one
 * @param connection the lab connection id if known, else null
 * @param bytes the whole IPv4 packet; the link never changes the array (corrupt makes a copy)
 */
public record Packet(long segmentId, HostName from, String connection, byte[] bytes) {

    public HostName to() {
        return from.other();
    }

    public int length() {
        return bytes.length;
    }

    /** Where the TCP header starts (IHL x 4), or -1 when the packet is too short to say. */
    public int tcpOffset() {
        if (bytes.length < 20) return -1;
        int ihl = (bytes[0] & 0x0f) * 4;
        return ihl >= 20 && ihl <= bytes.length ? ihl : -1;
    }

    /**
     * The TCP control bits read straight from the header (byte 13 of the TCP header), NONE when the
     * packet is too short: fault rules match crafted and broken packets too, so no full decode.
     */
    public TcpFlags flags() {
        int off = tcpOffset();
        if (off < 0 || off + 14 > bytes.length) return TcpFlags.NONE;
        return new TcpFlags(bytes[off + 13] & 0xff);
    }

    public Packet withBytes(byte[] newBytes) {
        return new Packet(segmentId, from, connection, newBytes);
    }

    public Packet withId(long newId) {
        return new Packet(newId, from, connection, bytes);
    }
}
