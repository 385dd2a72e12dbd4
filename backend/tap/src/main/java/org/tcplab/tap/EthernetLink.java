package org.tcplab.tap;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * Our host's Ethernet and ARP (RFC 826) on the tap: answers ARP for our address, resolves the Linux
 * side's MAC, picks out the IPv4/TCP packets addressed to us and frames our outgoing packets.
 * Anything else the kernel puts on the wire (IPv6 router solicitations, multicast, ARP for other
 * addresses, ICMP) is ignored without a trace, as a host on a shared segment would.
 *
 * <p>ARP frames go through pcap4j's parser and builders; IPv4 frames, the bulk of the traffic, are
 * recognised from their fixed header offsets so a 10 MB transfer does not parse every packet twice
 * (the engine's codec parses the IPv4 packet itself).
 */
final class EthernetLink {

    static final int HEADER = 14;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_ARP = 0x0806;

    private final MacAddress ourMac;
    private final Ipv4Address ourIp;
    private final Ipv4Address linuxIp;
    private volatile MacAddress linuxMac;

    EthernetLink(MacAddress ourMac, Ipv4Address ourIp, Ipv4Address linuxIp) {
        this.ourMac = ourMac;
        this.ourIp = ourIp;
        this.linuxIp = linuxIp;
    }

    /** What an inbound frame means for our host. */
    sealed interface Inbound {
        /** An IPv4 packet carrying TCP to our address (trimmed to its total length). */
        record Tcp(byte[] ipPacket) implements Inbound {}

        /** An ARP request for our address: send {@code reply}. */
        record ArpRequest(byte[] reply) implements Inbound {}

        /** An ARP frame that taught us the Linux side's MAC (or confirmed it). */
        record ArpLearned(MacAddress mac) implements Inbound {}

        /** Not for our TCP: dropped quietly. */
        record Ignored(String why) implements Inbound {}
    }

    MacAddress ourMac() {
        return ourMac;
    }

    /** The Linux side's MAC once ARP has told us, else null. */
    MacAddress linuxMac() {
        return linuxMac;
    }

    Inbound classify(byte[] frame) {
        if (frame.length < HEADER) {
            return new Inbound.Ignored("runt");
        }
        int type = ((frame[12] & 0xff) << 8) | (frame[13] & 0xff);
        if (type == ETHERTYPE_IPV4) {
            return classifyIpv4(frame);
        }
        if (type == ETHERTYPE_ARP) {
            return classifyArp(frame);
        }
        return new Inbound.Ignored("ethertype 0x" + Integer.toHexString(type));
    }

    private Inbound classifyIpv4(byte[] frame) {
        if (!addressedToUs(frame)) {
            return new Inbound.Ignored("other destination MAC");
        }
        if (frame.length < HEADER + 20 || (frame[HEADER] & 0xf0) != 0x40) {
            return new Inbound.Ignored("not IPv4");
        }
        if ((frame[HEADER + 9] & 0xff) != 6) {
            return new Inbound.Ignored("not TCP");
        }
        int dst = ((frame[HEADER + 16] & 0xff) << 24)
                | ((frame[HEADER + 17] & 0xff) << 16)
                | ((frame[HEADER + 18] & 0xff) << 8)
                | (frame[HEADER + 19] & 0xff);
        if (dst != ourIp.bits()) {
            return new Inbound.Ignored("other destination IP");
        }
        int total = ((frame[HEADER + 2] & 0xff) << 8) | (frame[HEADER + 3] & 0xff);
        int end = total >= 20 && HEADER + total <= frame.length ? HEADER + total : frame.length;
        // The codec judges whatever is inside (checksum, lengths): parse at one edge only.
        return new Inbound.Tcp(Arrays.copyOfRange(frame, HEADER, end));
    }

    private boolean addressedToUs(byte[] frame) {
        byte[] mac = ourMac.getAddress();
        for (int i = 0; i < 6; i++) {
            if (frame[i] != mac[i]) {
                return false;
            }
        }
        return true;
    }

    private Inbound classifyArp(byte[] frame) {
        ArpPacket arp;
        try {
            arp = ArpPacket.newPacket(frame, HEADER, frame.length - HEADER);
        } catch (IllegalRawDataException e) {
            return new Inbound.Ignored("malformed ARP");
        }
        ArpPacket.ArpHeader h = arp.getHeader();
        if (!EtherType.IPV4.equals(h.getProtocolType()) || !ArpHardwareType.ETHERNET.equals(h.getHardwareType())) {
            return new Inbound.Ignored("ARP for another protocol");
        }
        Ipv4Address sender = Ipv4Address.of(h.getSrcProtocolAddr().getAddress());
        Ipv4Address target = Ipv4Address.of(h.getDstProtocolAddr().getAddress());
        // RFC 826 "merge": refresh what we know about the sender before looking at the opcode.
        if (sender.equals(linuxIp)) {
            linuxMac = h.getSrcHardwareAddr();
        }
        if (ArpOperation.REQUEST.equals(h.getOperation()) && target.equals(ourIp)) {
            return new Inbound.ArpRequest(
                    arpFrame(ArpOperation.REPLY, h.getSrcHardwareAddr(), h.getSrcHardwareAddr(), (Inet4Address)
                            h.getSrcProtocolAddr()));
        }
        if (sender.equals(linuxIp)) {
            return new Inbound.ArpLearned(h.getSrcHardwareAddr());
        }
        return new Inbound.Ignored("ARP not about us");
    }

    /** A broadcast "who has <linux ip>? tell <our ip>". */
    byte[] arpRequestForLinux() {
        return arpFrame(
                ArpOperation.REQUEST,
                MacAddress.ETHER_BROADCAST_ADDRESS,
                MacAddress.getByAddress(new byte[6]),
                inet(linuxIp));
    }

    /** Our IPv4 packet in an Ethernet frame to the Linux side; requires {@link #linuxMac()}. */
    byte[] frameIpv4(byte[] ipPacket) {
        MacAddress dst = linuxMac;
        if (dst == null) {
            throw new IllegalStateException("Linux MAC not resolved yet");
        }
        byte[] frame = new byte[HEADER + ipPacket.length];
        System.arraycopy(dst.getAddress(), 0, frame, 0, 6);
        System.arraycopy(ourMac.getAddress(), 0, frame, 6, 6);
        frame[12] = (byte) (ETHERTYPE_IPV4 >> 8);
        frame[13] = (byte) ETHERTYPE_IPV4;
        System.arraycopy(ipPacket, 0, frame, HEADER, ipPacket.length);
        return frame;
    }

    private byte[] arpFrame(ArpOperation op, MacAddress ethDst, MacAddress targetMac, Inet4Address targetIp) {
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) MacAddress.SIZE_IN_BYTES)
                .protocolAddrLength((byte) 4)
                .operation(op)
                .srcHardwareAddr(ourMac)
                .srcProtocolAddr(inet(ourIp))
                .dstHardwareAddr(targetMac)
                .dstProtocolAddr(targetIp);
        EthernetPacket.Builder eth = new EthernetPacket.Builder()
                .dstAddr(ethDst)
                .srcAddr(ourMac)
                .type(EtherType.ARP)
                .payloadBuilder(arp)
                .paddingAtBuild(true);
        return eth.build().getRawData();
    }

    static Inet4Address inet(Ipv4Address a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(a.toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
