package org.tcplab.engine.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IllegalTcpOption;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpEndOfOptionList;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackOption;
import org.pcap4j.packet.TcpSackPermittedOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.UnknownTcpOption;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpOptionKind;
import org.pcap4j.packet.namednumber.TcpPort;

/**
 * IPv4+TCP bytes to and from {@link TcpDatagram}, with RFC 9293 §3.1 checksums (pseudo-header
 * included). This is the edge: untrusted bytes become a checked segment here and nowhere else.
 * Building and parsing go through pcap4j's packet classes; this class adds the checks pcap4j
 * leaves to its callers (checksums, data offset, option lengths, fragments) and the mapping to
 * our typed values. Decoding never throws; a packet that cannot be trusted comes back as
 * {@link Decoded.Rejected}.
 */
public final class TcpCodec {

    static final int IPV4_HEADER = 20;
    static final int TCP_HEADER = 20;
    private static final int PROTOCOL_TCP = 6;

    // pcap4j 1.8 models the 16 bits after the data offset as 6 reserved bits and 6 control bits.
    // RFC 3168 §23.2 took the two lowest "reserved" bits for CWR and ECE.
    private static final int RESERVED_CWR = 0x02;
    private static final int RESERVED_ECE = 0x01;

    private TcpCodec() {}

    /** Encodes an IPv4 packet (20-byte header, DF, TTL 64, protocol 6) with correct checksums. */
    public static byte[] encode(TcpDatagram datagram) {
        TcpSegment s = datagram.segment();
        Inet4Address src = inet(datagram.src());
        Inet4Address dst = inet(datagram.dst());
        TcpFlags f = s.flags();
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcPort(TcpPort.getInstance((short) s.srcPort()))
                .dstPort(TcpPort.getInstance((short) s.dstPort()))
                .sequenceNumber(s.seq().raw())
                // RFC 9293 §3.1: the field exists whether or not ACK is set; send zero without ACK.
                .acknowledgmentNumber(s.ackNumber().map(SeqNum::raw).orElse(0))
                .reserved((byte) ((f.has(TcpFlag.CWR) ? RESERVED_CWR : 0) | (f.has(TcpFlag.ECE) ? RESERVED_ECE : 0)))
                .urg(f.has(TcpFlag.URG))
                .ack(f.has(TcpFlag.ACK))
                .psh(f.has(TcpFlag.PSH))
                .rst(f.has(TcpFlag.RST))
                .syn(f.has(TcpFlag.SYN))
                .fin(f.has(TcpFlag.FIN))
                .window((short) s.window())
                .urgentPointer((short) s.urgentPointer())
                .options(toPcap4j(s.options()))
                .srcAddr(src)
                .dstAddr(dst)
                .correctLengthAtBuild(true)
                .correctChecksumAtBuild(true)
                // Options that do not end on a 32-bit boundary are padded with zeros (EOL).
                .paddingAtBuild(true);
        if (s.payloadLength() > 0) {
            tcp.payloadBuilder(new UnknownPacket.Builder().rawData(s.payload()));
        }
        IpV4Packet ip = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64)
                .protocol(IpNumber.TCP)
                .dontFragmentFlag(true)
                // RFC 6864 §4.1: the ID of an atomic (DF, unfragmented) datagram carries no meaning.
                .identification((short) 0)
                .srcAddr(src)
                .dstAddr(dst)
                .payloadBuilder(tcp)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true)
                .build();
        return ip.getRawData();
    }

    /** Parses and verifies; never throws. */
    public static Decoded decode(byte[] ipPacket) {
        try {
            return decodeChecked(ipPacket);
        } catch (RuntimeException e) {
            // pcap4j is lenient in places and strict in others; whatever it throws is a bad packet.
            return new Decoded.Rejected("malformed: " + e.getClass().getSimpleName());
        }
    }

    private static Decoded decodeChecked(byte[] b) {
        Layout l = Layout.of(b);
        if (l.problem != null) {
            return new Decoded.Rejected(l.problem);
        }
        IpV4Packet ip;
        try {
            ip = IpV4Packet.newPacket(b, 0, l.ipTotal);
        } catch (IllegalRawDataException e) {
            return new Decoded.Rejected("malformed: IPv4 header: " + e.getMessage());
        }
        if (!ip.getHeader().hasValidChecksum(false)) {
            return new Decoded.Rejected("checksum: IPv4 header");
        }
        TcpPacket tcp;
        try {
            tcp = TcpPacket.newPacket(b, l.tcpStart, l.ipTotal - l.tcpStart);
        } catch (IllegalRawDataException e) {
            return new Decoded.Rejected("malformed: TCP header: " + e.getMessage());
        }
        Inet4Address src = ip.getHeader().getSrcAddr();
        Inet4Address dst = ip.getHeader().getDstAddr();
        if (!tcp.hasValidChecksum(src, dst, false)) {
            return new Decoded.Rejected("checksum");
        }
        TcpPacket.TcpHeader h = tcp.getHeader();
        List<TcpOption> options = new ArrayList<>();
        String optionProblem = fromPcap4j(h.getOptions(), options);
        if (optionProblem != null) {
            return new Decoded.Rejected("malformed: " + optionProblem);
        }
        TcpFlags flags = flagsOf(h);
        byte[] payload = new byte[l.ipTotal - l.tcpStart - l.tcpHeader];
        System.arraycopy(b, l.tcpStart + l.tcpHeader, payload, 0, payload.length);
        TcpSegment segment = new TcpSegment(
                h.getSrcPort().valueAsInt(),
                h.getDstPort().valueAsInt(),
                new SeqNum(h.getSequenceNumber()),
                flags.ack() ? Optional.of(new SeqNum(h.getAcknowledgmentNumber())) : Optional.empty(),
                flags,
                h.getWindowAsInt(),
                h.getUrgentPointerAsInt(),
                options,
                payload);
        return new Decoded.Accepted(new TcpDatagram(Ipv4Address.of(src.getAddress()), Ipv4Address.of(dst.getAddress()), segment));
    }

    /** The display view of any bytes, however broken; never throws. */
    public static WireSegment describe(byte[] b) {
        Decoded decoded = decode(b);
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
            if (u8(b, 9) != PROTOCOL_TCP) return new Layout(total, ihl, 0, "malformed: IP protocol " + u8(b, 9) + " is not TCP");
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

    private static TcpFlags flagsOf(TcpPacket.TcpHeader h) {
        int bits = 0;
        int reserved = h.getReserved();
        if ((reserved & RESERVED_CWR) != 0) bits |= TcpFlag.CWR.bit();
        if ((reserved & RESERVED_ECE) != 0) bits |= TcpFlag.ECE.bit();
        if (h.getUrg()) bits |= TcpFlag.URG.bit();
        if (h.getAck()) bits |= TcpFlag.ACK.bit();
        if (h.getPsh()) bits |= TcpFlag.PSH.bit();
        if (h.getRst()) bits |= TcpFlag.RST.bit();
        if (h.getSyn()) bits |= TcpFlag.SYN.bit();
        if (h.getFin()) bits |= TcpFlag.FIN.bit();
        return new TcpFlags(bits);
    }

    private static List<TcpPacket.TcpOption> toPcap4j(List<TcpOption> options) {
        List<TcpPacket.TcpOption> out = new ArrayList<>(options.size());
        for (TcpOption o : options) {
            out.add(toPcap4j(o));
        }
        return out;
    }

    private static TcpPacket.TcpOption toPcap4j(TcpOption o) {
        if (o instanceof TcpOption.EndOfList) return TcpEndOfOptionList.getInstance();
        if (o instanceof TcpOption.NoOp) return TcpNoOperationOption.getInstance();
        if (o instanceof TcpOption.MaxSegmentSize m) {
            return new TcpMaximumSegmentSizeOption.Builder().maxSegSize((short) m.mss()).correctLengthAtBuild(true).build();
        }
        if (o instanceof TcpOption.WindowScale w) {
            return new TcpWindowScaleOption.Builder().shiftCount((byte) w.shift()).correctLengthAtBuild(true).build();
        }
        if (o instanceof TcpOption.SackPermitted) return TcpSackPermittedOption.getInstance();
        if (o instanceof TcpOption.Sack s) {
            List<TcpSackOption.Sack> blocks = new ArrayList<>();
            for (TcpOption.SackBlock b : s.blocks()) {
                blocks.add(new TcpSackOption.Sack(b.left().raw(), b.right().raw()));
            }
            return new TcpSackOption.Builder().sacks(blocks).correctLengthAtBuild(true).build();
        }
        if (o instanceof TcpOption.Timestamps t) {
            return new TcpTimestampsOption.Builder().tsValue(t.tsVal()).tsEchoReply(t.tsEcr()).correctLengthAtBuild(true).build();
        }
        TcpOption.Unknown u = (TcpOption.Unknown) o;
        return new UnknownTcpOption.Builder()
                .kind(TcpOptionKind.getInstance((byte) u.kind()))
                .data(u.data())
                .correctLengthAtBuild(true)
                .build();
    }

    /** Maps pcap4j's options to ours; returns the problem if one is malformed, else null. */
    private static String fromPcap4j(List<TcpPacket.TcpOption> in, List<TcpOption> out) {
        for (TcpPacket.TcpOption o : in) {
            if (o instanceof IllegalTcpOption) {
                return "bad option length (kind " + (o.getKind().value() & 0xff) + ")";
            } else if (o instanceof TcpEndOfOptionList) {
                out.add(new TcpOption.EndOfList());
                // RFC 9293 §3.2: EOL ends the option list; what follows is padding.
                return null;
            } else if (o instanceof TcpNoOperationOption) {
                out.add(new TcpOption.NoOp());
            } else if (o instanceof TcpMaximumSegmentSizeOption m) {
                if (m.getLengthAsInt() != 4) return "MSS option length " + m.getLengthAsInt();
                out.add(new TcpOption.MaxSegmentSize(m.getMaxSegSizeAsInt()));
            } else if (o instanceof TcpWindowScaleOption w) {
                if (w.getLengthAsInt() != 3) return "window scale option length " + w.getLengthAsInt();
                out.add(new TcpOption.WindowScale(w.getShiftCountAsInt()));
            } else if (o instanceof TcpSackPermittedOption) {
                out.add(new TcpOption.SackPermitted());
            } else if (o instanceof TcpSackOption s) {
                // pcap4j 1.8 validates the SACK layout but exposes only raw data: kind, length, 8-byte blocks.
                byte[] raw = s.getRawData();
                if ((raw.length - 2) % 8 != 0) return "SACK option length " + raw.length;
                List<TcpOption.SackBlock> blocks = new ArrayList<>();
                for (int i = 2; i + 8 <= raw.length; i += 8) {
                    blocks.add(new TcpOption.SackBlock(new SeqNum(int32(raw, i)), new SeqNum(int32(raw, i + 4))));
                }
                if (blocks.isEmpty() || blocks.size() > 4) return "SACK option with " + blocks.size() + " blocks";
                out.add(new TcpOption.Sack(blocks));
            } else if (o instanceof TcpTimestampsOption t) {
                if (t.getLengthAsInt() != 10) return "timestamps option length " + t.getLengthAsInt();
                out.add(new TcpOption.Timestamps(t.getTsValue(), t.getTsEchoReply()));
            } else {
                byte[] raw = o.getRawData();
                byte[] data = new byte[Math.max(0, raw.length - 2)];
                System.arraycopy(raw, raw.length - data.length, data, 0, data.length);
                out.add(new TcpOption.Unknown(o.getKind().value() & 0xff, data));
            }
        }
        return null;
    }

    private static Inet4Address inet(Ipv4Address a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(a.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    private static String addressAt(byte[] b, int off) {
        if (off + 4 > b.length) return "";
        return Ipv4Address.of(new byte[] {b[off], b[off + 1], b[off + 2], b[off + 3]}).toString();
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
