package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.pcap4j.packet.ArpPacket;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.namednumber.ArpHardwareType;
import org.pcap4j.packet.namednumber.ArpOperation;
import org.pcap4j.packet.namednumber.EtherType;
import org.pcap4j.util.MacAddress;
import org.tcplab.engine.wire.Ipv4Address;

/** Ethernet and ARP without a device: frames in, frames out. */
class EthernetLinkTest {

    private static final Ipv4Address OURS = Ipv4Address.parse("198.51.100.2");
    private static final Ipv4Address LINUX = Ipv4Address.parse("198.51.100.1");
    private static final MacAddress LINUX_MAC = MacAddress.getByName("9a:1b:2c:3d:4e:5f");

    private final EthernetLink eth = new EthernetLink(TapLink.OUR_MAC, OURS, LINUX);

    private static byte[] arpRequest(Ipv4Address target) {
        ArpPacket.Builder arp = new ArpPacket.Builder()
                .hardwareType(ArpHardwareType.ETHERNET)
                .protocolType(EtherType.IPV4)
                .hardwareAddrLength((byte) 6)
                .protocolAddrLength((byte) 4)
                .operation(ArpOperation.REQUEST)
                .srcHardwareAddr(LINUX_MAC)
                .srcProtocolAddr(EthernetLink.inet(LINUX))
                .dstHardwareAddr(MacAddress.getByAddress(new byte[6]))
                .dstProtocolAddr(EthernetLink.inet(target));
        return new EthernetPacket.Builder()
                .dstAddr(MacAddress.ETHER_BROADCAST_ADDRESS)
                .srcAddr(LINUX_MAC)
                .type(EtherType.ARP)
                .payloadBuilder(arp)
                .paddingAtBuild(true)
                .build()
                .getRawData();
    }

    @Test
    void answersArpForOurAddressAndLearnsTheAsker() throws Exception {
        EthernetLink.Inbound in = eth.classify(arpRequest(OURS));
        assertThat(in).isInstanceOf(EthernetLink.Inbound.ArpRequest.class);
        EthernetPacket reply = EthernetPacket.newPacket(
                ((EthernetLink.Inbound.ArpRequest) in).reply(),
                0,
                ((EthernetLink.Inbound.ArpRequest) in).reply().length);
        assertThat(reply.getHeader().getDstAddr()).isEqualTo(LINUX_MAC);
        ArpPacket.ArpHeader h = reply.get(ArpPacket.class).getHeader();
        assertThat(h.getOperation()).isEqualTo(ArpOperation.REPLY);
        assertThat(h.getSrcHardwareAddr()).isEqualTo(TapLink.OUR_MAC);
        assertThat(Ipv4Address.of(h.getSrcProtocolAddr().getAddress())).isEqualTo(OURS);
        assertThat(Ipv4Address.of(h.getDstProtocolAddr().getAddress())).isEqualTo(LINUX);
        assertThat(eth.linuxMac()).isEqualTo(LINUX_MAC);
    }

    @Test
    void ignoresArpForOtherAddressesIpv6AndForeignTcp() {
        assertThat(eth.classify(arpRequest(Ipv4Address.parse("198.51.100.9"))))
                .isInstanceOf(EthernetLink.Inbound.ArpLearned.class);
        byte[] ipv6 = new byte[60];
        ipv6[12] = (byte) 0x86;
        ipv6[13] = (byte) 0xdd;
        assertThat(eth.classify(ipv6)).isInstanceOf(EthernetLink.Inbound.Ignored.class);
        byte[] tcpElsewhere = eth.frameIpv4(TapLinkTest.synTo(
                new TapLabConfig(
                        "server",
                        Ipv4Address.parse("198.51.100.7"),
                        OURS,
                        24,
                        org.tcplab.engine.tcp.TcpConfig.defaults(),
                        1,
                        java.util.Map.of(),
                        2000),
                1,
                2,
                3));
        // frameIpv4 addresses Linux; turn it around so it is addressed to our MAC but another IP.
        System.arraycopy(TapLink.OUR_MAC.getAddress(), 0, tcpElsewhere, 0, 6);
        assertThat(eth.classify(tcpElsewhere)).isInstanceOf(EthernetLink.Inbound.Ignored.class);
    }

    @Test
    void picksOutTcpForUsTrimmedToTheIpLength() {
        eth.classify(arpRequest(OURS));
        byte[] ip = TapLinkTest.synTo(
                new TapLabConfig(
                        "server",
                        OURS,
                        LINUX,
                        24,
                        org.tcplab.engine.tcp.TcpConfig.defaults(),
                        1,
                        java.util.Map.of(),
                        2000),
                1234,
                80,
                99);
        byte[] frame = java.util.Arrays.copyOf(eth.frameIpv4(ip), 14 + ip.length + 6);
        System.arraycopy(TapLink.OUR_MAC.getAddress(), 0, frame, 0, 6);
        EthernetLink.Inbound in = eth.classify(frame);
        assertThat(in).isInstanceOf(EthernetLink.Inbound.Tcp.class);
        assertThat(((EthernetLink.Inbound.Tcp) in).ipPacket()).isEqualTo(ip);
    }
}
