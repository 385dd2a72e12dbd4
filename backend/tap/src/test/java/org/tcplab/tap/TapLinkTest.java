package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/** The wire layer against the real kernel: namespace, device, ARP both ways, raw TCP frames. */
class TapLinkTest {

    private final TapLabConfig config = TapLabConfig.defaults("server");

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    @Test
    void aLabLeavesTheHostNamespaceUnchangedAndRemovesItsOwn() {
        String before = RootOnly.hostNetwork();
        String name;
        try (TapLink link = TapLink.open(config)) {
            name = link.namespace().name();
            assertThat(NetNamespace.list()).contains(name);
            assertThat(link.namespace().ip("-o", "addr", "show", "dev", TapLink.DEVICE))
                    .contains("198.51.100.1/24");
            assertThat(RootOnly.hostNetwork()).doesNotContain(TapLink.DEVICE);
        }
        assertThat(NetNamespace.list()).doesNotContain(name);
        assertThat(RootOnly.hostNetwork()).isEqualTo(before);
    }

    @Test
    void staleNamespacesOfDeadProcessesAreRemovedAtStart() {
        // pid_max is at most 2^22, so this pid cannot be alive: a crashed run's leftover.
        String stale = NetNamespace.PREFIX + "999999999-1";
        NetNamespace.run(List.of("ip", "netns", "add", stale));
        try (TapLink link = TapLink.open(config)) {
            assertThat(NetNamespace.list())
                    .doesNotContain(stale)
                    .contains(link.namespace().name());
        } finally {
            if (NetNamespace.list().contains(stale)) {
                NetNamespace.run(List.of("ip", "netns", "del", stale));
            }
        }
    }

    @Test
    void linuxResolvesOurAddressByArpAndThenSendsUsItsSyn() throws Exception {
        try (TapLink link = TapLink.open(config)) {
            // A non-blocking connect from inside the namespace: the kernel must ARP for us first.
            SocketChannel ch = link.namespace().inside(() -> {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(new InetSocketAddress("198.51.100.2", 9));
                return c;
            });
            try {
                byte[] syn = awaitTcp(link, 3_000);
                assertThat(syn).as("Linux's SYN after our ARP reply").isNotNull();
                TcpPacket tcp = IpV4Packet.newPacket(syn, 0, syn.length).get(TcpPacket.class);
                assertThat(tcp.getHeader().getSyn()).isTrue();
                assertThat(tcp.getHeader().getDstPort().valueAsInt()).isEqualTo(9);
                assertThat(link.namespace().ip("neigh", "show", "198.51.100.2")).contains(link.ourMac());
            } finally {
                ch.close();
            }
        }
    }

    @Test
    void weResolveLinuxsMacAndItsKernelAnswersASynToAClosedPortWithRstAck() throws Exception {
        try (TapLink link = TapLink.open(config)) {
            long isn = 0x12345678L;
            byte[] synPacket = synTo(config, 40000, 7777, isn);
            boolean[] written = {false};
            link.send(synPacket, 0, () -> written[0] = true);
            byte[] reply = awaitTcp(link, 3_000);
            assertThat(written[0]).isTrue();
            String shown = link.namespace().ip("-o", "link", "show", TapLink.DEVICE);
            assertThat(shown).contains("link/ether " + link.linuxMac());
            assertThat(reply).as("Linux's answer to a SYN for a closed port").isNotNull();
            TcpPacket.TcpHeader h = IpV4Packet.newPacket(reply, 0, reply.length)
                    .get(TcpPacket.class)
                    .getHeader();
            assertThat(h.getRst()).isTrue();
            assertThat(h.getAck()).isTrue();
            // RFC 9293 §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, SEG.LEN counting the SYN.
            assertThat(h.getAcknowledgmentNumberAsLong()).isEqualTo(isn + 1);
            assertThat(h.getSrcPort().valueAsInt()).isEqualTo(7777);
        }
    }

    static byte[] awaitTcp(TapLink link, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            link.await(20);
            long now = System.nanoTime() / 1000;
            link.resolve(now);
            byte[] p = link.receive(now);
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    static byte[] synTo(TapLabConfig c, int srcPort, int dstPort, long isn) {
        TcpPacket.Builder tcp = new TcpPacket.Builder()
                .srcPort(new TcpPort((short) srcPort, "src"))
                .dstPort(new TcpPort((short) dstPort, "dst"))
                .sequenceNumber((int) isn)
                .syn(true)
                .window((short) 65535)
                .srcAddr(EthernetLink.inet(c.ourIp()))
                .dstAddr(EthernetLink.inet(c.linuxIp()))
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        IpV4Packet.Builder ip = new IpV4Packet.Builder()
                .version(IpVersion.IPV4)
                .tos(IpV4Rfc791Tos.newInstance((byte) 0))
                .ttl((byte) 64)
                .protocol(IpNumber.TCP)
                .srcAddr(EthernetLink.inet(c.ourIp()))
                .dstAddr(EthernetLink.inet(c.linuxIp()))
                .dontFragmentFlag(true)
                .payloadBuilder(tcp)
                .correctChecksumAtBuild(true)
                .correctLengthAtBuild(true);
        return ip.build().getRawData();
    }
}
