package org.tcplab.engine.capture;

import java.nio.ByteBuffer;
import org.tcplab.engine.capture.CapturedSegment.Checksum;
import org.tcplab.engine.capture.CapturedSegment.Endpoint;

/**
 * Link layer and IP for one captured packet, down to the TCP segment it carries: the one place
 * where captured frames are taken apart. Link types (tcpdump.org/linktypes): Ethernet with 802.1Q
 * and 802.1ad tags (1), Linux cooked v1 and v2 ({@code tcpdump -i any}: 113, 276), raw IP (101,
 * and 12 and 14 where old files mean raw IP by them), raw IPv4 and IPv6 (228, 229), BSD loopback
 * (0 in the capturing host's byte order, 108 in network order). IPv4 and IPv6, whose extension
 * headers are followed to TCP. Never throws: what is not TCP over IP comes back as {@link Skipped}
 * with a stable reason code and a detail for people.
 */
public final class PacketDecoder {

    /** What one packet turned out to be. */
    public sealed interface Result {}

    public record Segment(CapturedSegment segment) implements Result {}

    /**
     * @param reason {@code link-type}, {@code not-ip}, {@code not-tcp}, {@code fragment},
     *     {@code truncated} or {@code malformed}
     * @param detail what exactly, e.g. {@code UDP}, {@code ARP}, {@code link type 105 (IEEE 802.11)}
     */
    public record Skipped(String reason, String detail) implements Result {}

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86dd;
    private static final int MAX_VLAN_TAGS = 4;
    private static final int MAX_EXTENSION_HEADERS = 16;
    private static final int PROTO_TCP = 6;

    private PacketDecoder() {}

    public static Result decode(CapturedPacket p) {
        try {
            return link(p, p.data());
        } catch (IndexOutOfBoundsException e) {
            // Defence in depth: every read is bounds-checked first; a miss costs one packet, not the upload.
            return new Skipped("malformed", "packet " + p.number() + ": ends early");
        }
    }

    private static Result link(CapturedPacket p, ByteBuffer b) {
        int n = b.limit();
        switch (p.linkType()) {
            case 1 -> {
                if (n < 14) return truncated("Ethernet header");
                return ethertype(p, b, 12, 14, "Ethernet");
            }
            case 113 -> {
                if (n < 16) return truncated("Linux cooked header");
                return ethertype(p, b, 14, 16, "Linux cooked");
            }
            case 276 -> {
                if (n < 20) return truncated("Linux cooked v2 header");
                return ethertype(p, b, 0, 20, "Linux cooked v2");
            }
            case 101, 12, 14 -> {
                if (n < 1) return truncated("IP header");
                return ipByVersion(p, b, 0);
            }
            case 228 -> {
                return ipv4(p, b, 0);
            }
            case 229 -> {
                return ipv6(p, b, 0);
            }
            case 0, 108 -> {
                if (n < 4) return truncated("loopback header");
                return loopback(p, b, p.linkType() == 108);
            }
            default -> {
                return new Skipped("link-type", "link type " + p.linkType() + linkTypeName(p.linkType()));
            }
        }
    }

    /** The EtherType at {@code typeAt}, VLAN tags (802.1Q, 802.1ad, old QinQ) skipped, payload at {@code payload}. */
    private static Result ethertype(CapturedPacket p, ByteBuffer b, int typeAt, int payload, String link) {
        int type = u16(b, typeAt);
        int at = payload;
        for (int tags = 0; type == 0x8100 || type == 0x88a8 || type == 0x9100; tags++) {
            if (tags == MAX_VLAN_TAGS) return new Skipped("malformed", "more than " + MAX_VLAN_TAGS + " VLAN tags");
            if (b.limit() < at + 4) return truncated("VLAN tag");
            type = u16(b, at + 2);
            at += 4;
        }
        return switch (type) {
            case ETHERTYPE_IPV4 -> ipv4(p, b, at);
            case ETHERTYPE_IPV6 -> ipv6(p, b, at);
            case 0x0806 -> new Skipped("not-ip", "ARP");
            case 0x88cc -> new Skipped("not-ip", "LLDP");
            case 0x8035 -> new Skipped("not-ip", "RARP");
            case 0x8864 -> new Skipped("not-ip", "PPPoE");
            case 0x8847, 0x8848 -> new Skipped("not-ip", "MPLS");
            default ->
                type <= 1500
                        ? new Skipped("not-ip", "802.3 frame without an EtherType (LLC)")
                        : new Skipped("not-ip", String.format("%s EtherType 0x%04x", link, type));
        };
    }

    /**
     * BSD loopback/null: the protocol family in 4 bytes, in the byte order of the machine that
     * captured (0) or in network order (108). AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24
     * (NetBSD, OpenBSD), 28 (FreeBSD) or 30 (macOS), so both byte orders are tried.
     */
    private static Result loopback(CapturedPacket p, ByteBuffer b, boolean network) {
        int be = b.getInt(0);
        int family = network ? be : (Integer.reverseBytes(be) >>> 8 == 0 ? Integer.reverseBytes(be) : be);
        return switch (family) {
            case 2 -> ipv4(p, b, 4);
            case 10, 24, 28, 30 -> ipv6(p, b, 4);
            default -> new Skipped("not-ip", "loopback protocol family " + family);
        };
    }

    private static Result ipByVersion(CapturedPacket p, ByteBuffer b, int at) {
        int version = u8(b, at) >>> 4;
        if (version == 4) return ipv4(p, b, at);
        if (version == 6) return ipv6(p, b, at);
        return new Skipped("malformed", "IP version " + version);
    }

    /** RFC 791. */
    private static Result ipv4(CapturedPacket p, ByteBuffer b, int at) {
        int avail = b.limit() - at;
        if (avail < 20) return truncated("IPv4 header");
        int version = u8(b, at) >>> 4;
        if (version != 4) return new Skipped("malformed", "IP version " + version + " where IPv4 was announced");
        int ihl = (u8(b, at) & 0x0f) * 4;
        if (ihl < 20) return new Skipped("malformed", "IPv4 header length " + ihl);
        if (ihl > avail) return truncated("IPv4 header");
        int total = u16(b, at + 2);
        // Total length 0: captured on the sending host before TCP segmentation offload filled it in.
        if (total == 0) total = avail;
        if (total < ihl) return new Skipped("malformed", "IPv4 total length " + total + " under its header length");
        // MF set or a fragment offset: fragments are not reassembled (a TCP stack avoids them: DF, MSS).
        if ((u16(b, at + 6) & 0x3fff) != 0) return new Skipped("fragment", "IPv4 fragment");
        int protocol = u8(b, at + 9);
        if (protocol != PROTO_TCP) return new Skipped("not-tcp", protocolName(protocol));
        byte[] src = bytes(b, at + 12, 4);
        byte[] dst = bytes(b, at + 16, 4);
        int tcpLength = total - ihl;
        int capturedEnd = at + Math.min(total, avail);
        return tcp(p, b, 4, src, dst, at, at + ihl, capturedEnd, tcpLength);
    }

    /** RFC 8200, extension headers in §4 followed to TCP. */
    private static Result ipv6(CapturedPacket p, ByteBuffer b, int at) {
        int avail = b.limit() - at;
        if (avail < 40) return truncated("IPv6 header");
        int version = u8(b, at) >>> 4;
        if (version != 6) return new Skipped("malformed", "IP version " + version + " where IPv6 was announced");
        int payload = u16(b, at + 4);
        // Payload length 0: a jumbogram (RFC 2675) or a segmentation-offload capture; take what is there.
        int total = payload == 0 ? avail : 40 + payload;
        int end = at + Math.min(total, avail);
        int next = u8(b, at + 6);
        int pos = at + 40;
        for (int i = 0; ; i++) {
            if (i == MAX_EXTENSION_HEADERS) {
                return new Skipped("malformed", "more than " + MAX_EXTENSION_HEADERS + " IPv6 extension headers");
            }
            switch (next) {
                case PROTO_TCP -> {
                    byte[] src = bytes(b, at + 8, 16);
                    byte[] dst = bytes(b, at + 24, 16);
                    int tcpLength = total - (pos - at);
                    if (tcpLength < 0) return new Skipped("malformed", "IPv6 extension headers longer than the packet");
                    return tcp(p, b, 6, src, dst, at, pos, end, tcpLength);
                }
                // Hop-by-hop, routing, destination options, mobility, HIP, shim6: length in 8-octet units.
                case 0, 43, 60, 135, 139, 140 -> {
                    if (end - pos < 2) return truncated("IPv6 extension header");
                    int len = (u8(b, pos + 1) + 1) * 8;
                    if (end - pos < len) return truncated("IPv6 extension header");
                    next = u8(b, pos);
                    pos += len;
                }
                case 44 -> {
                    if (end - pos < 8) return truncated("IPv6 fragment header");
                    int offsetAndMore = u16(b, pos + 2);
                    // An atomic fragment (offset 0, no more fragments, RFC 6946) is a whole packet.
                    if ((offsetAndMore & 0xfff9) != 0) return new Skipped("fragment", "IPv6 fragment");
                    next = u8(b, pos);
                    pos += 8;
                }
                case 51 -> { // AH (RFC 4302): length in 4-octet units, minus 2
                    if (end - pos < 2) return truncated("IPv6 authentication header");
                    int len = (u8(b, pos + 1) + 2) * 4;
                    if (end - pos < len) return truncated("IPv6 authentication header");
                    next = u8(b, pos);
                    pos += len;
                }
                case 50 -> {
                    return new Skipped("not-tcp", "ESP (encrypted)");
                }
                case 59 -> {
                    return new Skipped("not-tcp", "IPv6 no next header");
                }
                default -> {
                    return new Skipped("not-tcp", protocolName(next));
                }
            }
        }
    }

    private static Result tcp(
            CapturedPacket p,
            ByteBuffer b,
            int version,
            byte[] src,
            byte[] dst,
            int ipStart,
            int from,
            int capturedEnd,
            int tcpLength) {
        int captured = capturedEnd - from;
        if (captured < 20 || tcpLength < 20) {
            return tcpLength < 20 && captured >= tcpLength
                    ? new Skipped("malformed", "TCP segment of " + tcpLength + " bytes, shorter than a TCP header")
                    : truncated("TCP header");
        }
        // One copy of the packet, IP header to the last captured byte: the lab's event keeps it.
        byte[] packet = bytes(b, ipStart, capturedEnd - ipStart);
        int tcpStart = from - ipStart;
        Checksum checksum = checksum(packet, tcpStart, tcpLength);
        Endpoint s = new Endpoint(address(src), u16(packet, tcpStart));
        Endpoint d = new Endpoint(address(dst), u16(packet, tcpStart + 2));
        return new Segment(
                new CapturedSegment(p.number(), p.timeNanos(), version, s, d, packet, tcpStart, tcpLength, checksum));
    }

    /**
     * The TCP checksum of an IP packet ({@code packet}, TCP from {@code tcpStart}, {@code tcpLength}
     * bytes long by its IP header) as the capture shows it: RFC 9293 §3.1 (IPv4) and RFC 8200 §8.1
     * (IPv6), over a pseudo-header; unverifiable when the capture holds less than the segment.
     */
    static Checksum checksum(byte[] packet, int tcpStart, int tcpLength) {
        if (packet.length - tcpStart < tcpLength) return Checksum.UNVERIFIABLE;
        boolean v6 = (packet[0] & 0xf0) == 0x60;
        int addressAt = v6 ? 8 : 12;
        int addressBytes = v6 ? 32 : 8;
        long pseudo = OnesComplement.sum(packet, addressAt, addressAt + addressBytes, 0)
                + PROTO_TCP
                + (tcpLength & 0xffff)
                + (tcpLength >>> 16);
        return OnesComplement.sum(packet, tcpStart, tcpStart + tcpLength, pseudo) == 0xffff
                ? Checksum.OK
                : Checksum.BAD;
    }

    private static Skipped truncated(String what) {
        return new Skipped("truncated", "captured bytes end inside the " + what);
    }

    /** Dotted IPv4, or IPv6 as RFC 5952 §4 wants it: lower case, the longest run of zero groups as {@code ::}. */
    static String address(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = u16(a, 2 * i);
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String protocolName(int protocol) {
        return switch (protocol) {
            case 1 -> "ICMP";
            case 2 -> "IGMP";
            case 4 -> "IP in IP";
            case 17 -> "UDP";
            case 41 -> "IPv6 in IPv4";
            case 47 -> "GRE";
            case 50 -> "ESP (encrypted)";
            case 58 -> "ICMPv6";
            case 89 -> "OSPF";
            case 103 -> "PIM";
            case 112 -> "VRRP";
            case 132 -> "SCTP";
            default -> "IP protocol " + protocol;
        };
    }

    private static String linkTypeName(int linkType) {
        return switch (linkType) {
            case 6 -> " (Token Ring)";
            case 9, 50, 204 -> " (PPP)";
            case 10 -> " (FDDI)";
            case 105 -> " (IEEE 802.11 Wi-Fi)";
            case 127 -> " (802.11 with radiotap)";
            case 192 -> " (802.11 with PPI)";
            case 195, 215, 230 -> " (IEEE 802.15.4)";
            case 189, 220 -> " (USB)";
            case 201 -> " (Bluetooth)";
            case 253 -> " (Linux netlink)";
            default -> "";
        };
    }

    private static byte[] bytes(ByteBuffer b, int from, int len) {
        byte[] out = new byte[len];
        b.get(from, out, 0, len);
        return out;
    }

    private static int u8(ByteBuffer b, int at) {
        return b.get(at) & 0xff;
    }

    private static int u16(ByteBuffer b, int at) {
        return ((b.get(at) & 0xff) << 8) | (b.get(at + 1) & 0xff);
    }

    private static int u16(byte[] b, int at) {
        return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
    }
}
