package org.tcplab.engine.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * IPv4+TCP bytes to and from {@link TcpDatagram}, with RFC 9293 §3.1 checksums (pseudo-header
 * included). This is the edge: untrusted bytes become a checked segment here and nowhere else.
 * Decoding never throws; a packet that cannot be trusted comes back as {@link Decoded.Rejected}.
 *
 * <p>Written by hand rather than with pcap4j's packet classes: every simulated segment is encoded,
 * described and decoded once, and pcap4j's three object graphs per segment cost more than the rest
 * of the simulator together (it made a simulated handshake slower than a kernel one; see the
 * engine benchmark's {@code codec_*} lines). pcap4j stays our independent witness: tests parse our
 * bytes with pcap4j and ours parse pcap4j's, field by field; captures and TAP frames use it too.
 */
public final class TcpCodec {

    static final int IPV4_HEADER = 20;
    static final int TCP_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;
    private static final int MAX_OPTION_BYTES = 40;

    private TcpCodec() {}

    /**
     * Encodes an IPv4 packet (20-byte header, DF, TTL 64, protocol 6) with correct checksums.
     * Options that do not end on a 32-bit boundary are padded with zeros (EOL, RFC 9293 §3.2).
     */
    public static byte[] encode(TcpDatagram datagram) {
        TcpSegment s = datagram.segment();
        int optionLength = 0;
        for (TcpOption o : s.options()) optionLength += optionLength(o);
        int padded = (optionLength + 3) & ~3;
        if (padded > MAX_OPTION_BYTES) {
            throw new IllegalArgumentException(
                    "options take " + optionLength + " bytes; a TCP header holds at most 40");
        }
        int tcpHeader = TCP_HEADER + padded;
        int total = IPV4_HEADER + tcpHeader + s.payloadLength();
        if (total > 0xffff) throw new IllegalArgumentException("an IPv4 packet holds at most 65535 bytes");
        byte[] b = new byte[total];

        // RFC 791 header: version 4, IHL 5; DF set. RFC 6864 §4.1: the ID of an atomic datagram
        // (DF, unfragmented) carries no meaning, so it is 0.
        b[0] = 0x45;
        put16(b, 2, total);
        put16(b, 6, 0x4000);
        b[8] = 64;
        b[9] = PROTOCOL_TCP;
        put32(b, 12, datagram.src().bits());
        put32(b, 16, datagram.dst().bits());
        put16(b, 10, ~sum(b, 0, IPV4_HEADER, 0) & 0xffff);

        int t = IPV4_HEADER;
        put16(b, t, s.srcPort());
        put16(b, t + 2, s.dstPort());
        put32(b, t + 4, s.seq().raw());
        // RFC 9293 §3.1: the field exists whether or not ACK is set; send zero without ACK.
        put32(b, t + 8, s.ackNumber().map(SeqNum::raw).orElse(0));
        b[t + 12] = (byte) ((tcpHeader / 4) << 4);
        b[t + 13] = (byte) s.flags().bits();
        put16(b, t + 14, s.window());
        put16(b, t + 18, s.urgentPointer());
        int at = t + TCP_HEADER;
        for (TcpOption o : s.options()) at = putOption(b, at, o);
        byte[] payload = s.payload();
        System.arraycopy(payload, 0, b, t + tcpHeader, payload.length);
        put16(b, t + 16, ~tcpSum(b, t, total) & 0xffff);
        return b;
    }

    /** Parses and verifies; never throws. */
    public static Decoded decode(byte[] ipPacket) {
        try {
            return decodeChecked(ipPacket);
        } catch (RuntimeException e) {
            // Defence in depth: a bug here must cost one packet, not the lab.
            return new Decoded.Rejected("malformed: " + e.getClass().getSimpleName());
        }
    }

    private static Decoded decodeChecked(byte[] b) {
        Layout l = Layout.of(b);
        if (l.problem != null) {
            return new Decoded.Rejected(l.problem);
        }
        if ((sum(b, 0, l.tcpStart, 0) & 0xffff) != 0xffff) {
            return new Decoded.Rejected("checksum: IPv4 header");
        }
        if ((tcpSum(b, l.tcpStart, l.ipTotal) & 0xffff) != 0xffff) {
            return new Decoded.Rejected("checksum");
        }
        int t = l.tcpStart;
        List<TcpOption> options = new ArrayList<>(4);
        String optionProblem = parseOptions(b, t + TCP_HEADER, t + l.tcpHeader, options);
        if (optionProblem != null) {
            return new Decoded.Rejected("malformed: " + optionProblem);
        }
        TcpFlags flags = new TcpFlags(u8(b, t + 13));
        byte[] payload = new byte[l.ipTotal - t - l.tcpHeader];
        System.arraycopy(b, t + l.tcpHeader, payload, 0, payload.length);
        TcpSegment segment = new TcpSegment(
                u16(b, t),
                u16(b, t + 2),
                new SeqNum(int32(b, t + 4)),
                flags.ack() ? Optional.of(new SeqNum(int32(b, t + 8))) : Optional.empty(),
                flags,
                u16(b, t + 14),
                u16(b, t + 18),
                options,
                payload);
        return new Decoded.Accepted(
                new TcpDatagram(new Ipv4Address(int32(b, 12)), new Ipv4Address(int32(b, 16)), segment));
    }

    /** The display view of any bytes, however broken; never throws. */
    public static WireSegment describe(byte[] b) {
        return describe(b, decode(b));
    }

    /**
     * The TCP header's fields read straight from any bytes, without checksums, options or copies: what
     * observers of the hot path need (flags, sequence numbers, lengths). Zero where the bytes are too
     * short; {@link #describe(byte[])} is the full display view.
     */
    public static TcpHeaderFields header(byte[] b) {
        int t = Math.max(IPV4_HEADER, (u8(b, 0) & 0x0f) * 4);
        int total = u16(b, 2);
        return header(b, t, total >= t && total <= b.length ? total : b.length);
    }

    /**
     * The fields of the TCP header at {@code t} in {@code b}, for a segment that ends at {@code end}
     * (past {@code b.length} when a capture cut the packet: the payload length is the real one).
     */
    public static TcpHeaderFields header(byte[] b, int t, int end) {
        int headerLen = Math.max(TCP_HEADER, (u8(b, t + 12) >>> 4) * 4);
        return new TcpHeaderFields(
                u16(b, t),
                u16(b, t + 2),
                u32(b, t + 4),
                u32(b, t + 8),
                new TcpFlags(u8(b, t + 13)),
                u16(b, t + 14),
                Math.max(0, end - t - headerLen));
    }

    private static WireSegment describe(byte[] b, Decoded decoded) {
        Layout l = Layout.of(b);
        int tcpStart = l.tcpStart;
        int tcpEnd = Math.max(tcpStart, Math.min(b.length, l.ipTotal > 0 ? l.ipTotal : b.length));
        List<TcpOption> options = List.of();
        String malformed = null;
        boolean checksumOk = false;
        if (decoded instanceof Decoded.Accepted a) {
            options = a.datagram().segment().options();
            checksumOk = true;
        } else if (decoded instanceof Decoded.Rejected r) {
            malformed = r.reason();
        }
        int flagsByte = u8(b, tcpStart + 13);
        int dataOffset = u8(b, tcpStart + 12) >>> 4;
        int headerLen = Math.min(Math.max(dataOffset * 4, 0), Math.max(0, tcpEnd - tcpStart));
        List<String> flags = new TcpFlags(flagsByte).names();
        return new WireSegment(
                addressAt(b, 12),
                addressAt(b, 16),
                u16(b, tcpStart),
                u16(b, tcpStart + 2),
                u32(b, tcpStart + 4),
                u32(b, tcpStart + 8),
                dataOffset,
                flags,
                u16(b, tcpStart + 14),
                u16(b, tcpStart + 16),
                checksumOk,
                u16(b, tcpStart + 18),
                options,
                Math.max(0, tcpEnd - tcpStart - Math.max(headerLen, TCP_HEADER)),
                tcpStart < tcpEnd ? Hex.of(b, tcpStart, tcpEnd) : "",
                Hex.of(b, 0, Math.min(tcpStart, b.length)),
                malformed);
    }

    /** The result of decoding: a checked datagram, or the reason the packet was rejected. */
    public sealed interface Decoded {
        /** A packet with valid IPv4 and TCP checksums and well-formed header and options. */
        record Accepted(TcpDatagram datagram) implements Decoded {}

        /**
         * @param reason schema form: {@code checksum}, or {@code malformed: <free text>}
         */
        record Rejected(String reason) implements Decoded {}
    }

    /** Where the IPv4 and TCP headers lie in raw bytes, and the first structural problem, if any. */
    private record Layout(int ipTotal, int tcpStart, int tcpHeader, String problem) {
        static Layout of(byte[] b) {
            if (b.length < IPV4_HEADER) {
                return new Layout(0, IPV4_HEADER, 0, "malformed: truncated IPv4 header (" + b.length + " bytes)");
            }
            int version = u8(b, 0) >>> 4;
            int ihl = (u8(b, 0) & 0x0f) * 4;
            int total = u16(b, 2);
            if (version != 4) return new Layout(0, IPV4_HEADER, 0, "malformed: IP version " + version);
            if (ihl < IPV4_HEADER) return new Layout(0, IPV4_HEADER, 0, "malformed: IPv4 header length " + ihl);
            if (total < ihl || total > b.length) {
                return new Layout(0, ihl, 0, "malformed: IPv4 total length " + total + " for " + b.length + " bytes");
            }
            if (u8(b, 9) != PROTOCOL_TCP)
                return new Layout(total, ihl, 0, "malformed: IP protocol " + u8(b, 9) + " is not TCP");
            // More-fragments set or a fragment offset: we never reassemble (our hosts always send DF).
            if ((u16(b, 6) & 0x3fff) != 0) return new Layout(total, ihl, 0, "malformed: IPv4 fragment");
            int tcpLen = total - ihl;
            if (tcpLen < TCP_HEADER) {
                return new Layout(total, ihl, 0, "malformed: truncated TCP header (" + tcpLen + " bytes)");
            }
            int doff = (u8(b, ihl + 12) >>> 4) * 4;
            // RFC 9293 §3.1: the data offset counts 32-bit words, at least 5, within the segment.
            if (doff < TCP_HEADER || doff > tcpLen) {
                return new Layout(total, ihl, 0, "malformed: data offset " + (doff / 4) + " out of range");
            }
            return new Layout(total, ihl, doff, null);
        }
    }

    private static int optionLength(TcpOption o) {
        if (o instanceof TcpOption.EndOfList || o instanceof TcpOption.NoOp) return 1;
        if (o instanceof TcpOption.MaxSegmentSize) return 4;
        if (o instanceof TcpOption.WindowScale) return 3;
        if (o instanceof TcpOption.SackPermitted) return 2;
        if (o instanceof TcpOption.Sack s) return 2 + 8 * s.blocks().size();
        if (o instanceof TcpOption.Timestamps) return 10;
        return 2 + ((TcpOption.Unknown) o).data().length;
    }

    private static int putOption(byte[] b, int at, TcpOption o) {
        b[at] = (byte) o.kind();
        if (o instanceof TcpOption.EndOfList || o instanceof TcpOption.NoOp) return at + 1;
        int len = optionLength(o);
        b[at + 1] = (byte) len;
        if (o instanceof TcpOption.MaxSegmentSize m) {
            put16(b, at + 2, m.mss());
        } else if (o instanceof TcpOption.WindowScale w) {
            b[at + 2] = (byte) w.shift();
        } else if (o instanceof TcpOption.Sack s) {
            int i = at + 2;
            for (TcpOption.SackBlock block : s.blocks()) {
                put32(b, i, block.left().raw());
                put32(b, i + 4, block.right().raw());
                i += 8;
            }
        } else if (o instanceof TcpOption.Timestamps ts) {
            put32(b, at + 2, ts.tsVal());
            put32(b, at + 6, ts.tsEcr());
        } else if (o instanceof TcpOption.Unknown u) {
            byte[] data = u.data();
            System.arraycopy(data, 0, b, at + 2, data.length);
        }
        return at + len;
    }

    /**
     * RFC 9293 §3.2's option list: kind, length, data; EOL ends it. Lengths are checked against the
     * layouts of RFC 9293 (MSS), RFC 7323 (WS, TS) and RFC 2018 (SACK); returns the problem or null.
     */
    private static String parseOptions(byte[] b, int from, int to, List<TcpOption> out) {
        int i = from;
        while (i < to) {
            int kind = u8(b, i);
            if (kind == 0) {
                out.add(new TcpOption.EndOfList());
                return null; // what follows EOL is padding
            }
            if (kind == 1) {
                out.add(new TcpOption.NoOp());
                i++;
                continue;
            }
            if (i + 1 >= to) return "option kind " + kind + " has no length byte";
            int len = u8(b, i + 1);
            if (len < 2 || i + len > to) return "bad option length " + len + " (kind " + kind + ")";
            switch (kind) {
                case 2 -> {
                    if (len != 4) return "MSS option length " + len;
                    out.add(new TcpOption.MaxSegmentSize(u16(b, i + 2)));
                }
                case 3 -> {
                    if (len != 3) return "window scale option length " + len;
                    out.add(new TcpOption.WindowScale(u8(b, i + 2)));
                }
                case 4 -> {
                    if (len != 2) return "SACK-permitted option length " + len;
                    out.add(new TcpOption.SackPermitted());
                }
                case 5 -> {
                    if ((len - 2) % 8 != 0 || len == 2 || len > 34) return "SACK option length " + len;
                    List<TcpOption.SackBlock> blocks = new ArrayList<>(4);
                    for (int j = i + 2; j < i + len; j += 8) {
                        blocks.add(new TcpOption.SackBlock(new SeqNum(int32(b, j)), new SeqNum(int32(b, j + 4))));
                    }
                    out.add(new TcpOption.Sack(blocks));
                }
                case 8 -> {
                    if (len != 10) return "timestamps option length " + len;
                    out.add(new TcpOption.Timestamps(int32(b, i + 2), int32(b, i + 6)));
                }
                default -> {
                    byte[] data = new byte[len - 2];
                    System.arraycopy(b, i + 2, data, 0, data.length);
                    out.add(new TcpOption.Unknown(kind, data));
                }
            }
            i += len;
        }
        return null;
    }

    /** The one's complement sum over the TCP pseudo-header (RFC 9293 §3.1) and segment. */
    private static int tcpSum(byte[] b, int tcpStart, int end) {
        long pseudo = (long) u16(b, 12) + u16(b, 14) + u16(b, 16) + u16(b, 18) + PROTOCOL_TCP + (end - tcpStart);
        return sum(b, tcpStart, end, pseudo);
    }

    /** RFC 1071 one's complement sum of 16-bit words, folded to 16 bits. */
    private static int sum(byte[] b, int from, int to, long initial) {
        long sum = initial;
        int i = from;
        for (; i + 1 < to; i += 2) sum += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
        if (i < to) sum += (b[i] & 0xff) << 8;
        while ((sum >>> 16) != 0) sum = (sum & 0xffff) + (sum >>> 16);
        return (int) sum;
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    private static String addressAt(byte[] b, int off) {
        if (off + 4 > b.length) return "";
        return Ipv4Address.of(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]})
                .toString();
    }

    private static int u8(byte[] b, int off) {
        return off >= 0 && off < b.length ? b[off] & 0xff : 0;
    }

    private static int u16(byte[] b, int off) {
        return (u8(b, off) << 8) | u8(b, off + 1);
    }

    private static int int32(byte[] b, int off) {
        return (u16(b, off) << 16) | u16(b, off + 2);
    }

    private static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }
}
