package org.tcplab.server.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.Packets;

/** The real engine behind the API: a handshake, data, a close, and the capture of it all. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class SimLabEndToEndTest {

    @Autowired
    WebTestClient web;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    Created handshake() {
        Created lab = api.create(Map.of("seed", 1, "link", Map.of("latencyMs", 10)));
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        api.post(lab, "/connections", Map.of("localPort", 40000, "remotePort", 80, "isn", 1000, "peerIsn", 5000))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.state")
                .isEqualTo("ESTABLISHED")
                .jsonPath("$.server.state")
                .isEqualTo("ESTABLISHED")
                .jsonPath("$.client.iss")
                .isEqualTo(1000)
                .jsonPath("$.server.iss")
                .isEqualTo(5000);
        return lab;
    }

    static List<Map<String, Object>> sent(List<Map<String, Object>> events) {
        return events.stream().filter(e -> "segment.sent".equals(e.get("type"))).toList();
    }

    @Test
    void threeWayHandshakeDataAndCloseOverTheApi() {
        Created lab = handshake();
        List<Map<String, Object>> segs = sent(api.events(lab, 0));
        Map<String, Object> syn = (Map<String, Object>) segs.get(0).get("segment");
        Map<String, Object> synAck = (Map<String, Object>) segs.get(1).get("segment");
        Map<String, Object> ack = (Map<String, Object>) segs.get(2).get("segment");
        assertThat(syn)
                .containsEntry("flags", List.of("SYN"))
                .containsEntry("seq", 1000)
                .containsEntry("checksumOk", true);
        assertThat(synAck)
                .containsEntry("flags", List.of("ACK", "SYN"))
                .containsEntry("seq", 5000)
                .containsEntry("ack", 1001);
        assertThat((List<Map<String, Object>>) syn.get("options"))
                .extracting(o -> o.get("kind"))
                .contains("MSS");
        assertThat(ack).containsEntry("flags", List.of("ACK")).containsEntry("ack", 5001);
        assertThat(segs.get(1)).containsEntry("from", "server").containsEntry("time", 10.0);

        api.post(lab, "/connections/1/send", Map.of("text", "hello"))
                .expectStatus()
                .isAccepted();
        assertThat(api.events(lab, 0)).anySatisfy(e -> assertThat(e)
                .containsEntry("type", "data")
                .containsEntry("host", "server")
                .containsEntry("bytes", 5));
        api.post(lab, "/connections/1/close", Map.of("side", "client"))
                .expectStatus()
                .isAccepted();
        api.post(lab, "/connections/1/close", Map.of("side", "server"))
                .expectStatus()
                .isAccepted();
        // Instant clock: TIME_WAIT's 2 MSL has run out too, so both TCBs are gone.
        assertThat(api.events(lab, 0))
                .anySatisfy(e -> assertThat(e).containsEntry("type", "state").containsEntry("to", "TIME_WAIT"));
        assertThat((List<?>) api.snapshot(lab).get("connections")).isEmpty();
        api.post(lab, "/connections/1/send", Map.of("text", "late"))
                .expectStatus()
                .isEqualTo(409);
    }

    @Test
    void perHostTcpSettingsOverrideTheSharedOnes() {
        Created lab = api.create(Map.of("tcp", Map.of("mss", 1200), "serverTcp", Map.of("mss", 536)));
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.mss")
                .isEqualTo(536);
        List<Map<String, Object>> segs = sent(api.events(lab, 0));
        assertThat((List<Map<String, Object>>)
                        ((Map<String, Object>) segs.get(0).get("segment")).get("options"))
                .contains(Map.of("kind", "MSS", "value", 1200));
        assertThat((List<Map<String, Object>>)
                        ((Map<String, Object>) segs.get(1).get("segment")).get("options"))
                .contains(Map.of("kind", "MSS", "value", 536));
        web.post()
                .uri("/api/labs")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientTcp", Map.of("windowScale", 15)))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("clientTcp.windowScale");
    }

    @Test
    void aDroppedSynAckIsRetransmitted() {
        Created lab = api.create(Map.of("seed", 2));
        api.post(
                        lab,
                        "/faults",
                        Map.of(
                                "direction",
                                "server-to-client",
                                "match",
                                Map.of("onlyFlags", List.of("SYN", "ACK"), "count", 1),
                                "action",
                                "drop"))
                .expectStatus()
                .isCreated();
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.client.state")
                .isEqualTo("ESTABLISHED");
        List<Map<String, Object>> events = api.events(lab, 0);
        assertThat(events)
                .anySatisfy(e -> assertThat(e).containsEntry("type", "fault").containsEntry("action", "drop"));
        assertThat(sent(events)).anySatisfy(e -> assertThat(e).containsEntry("retransmission", true));
    }

    @Test
    void captureIsAPcapWithValidChecksumsAndVirtualTimes() throws Exception {
        Created lab = handshake();
        api.post(lab, "/connections/1/send", Map.of("bytes", 3000))
                .expectStatus()
                .isAccepted();
        List<Map<String, Object>> segs = sent(api.events(lab, 0));
        byte[] pcap = web.get()
                .uri("/api/labs/" + lab.id() + "/capture.pcap")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentType("application/vnd.tcpdump.pcap")
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        ByteBuffer b = ByteBuffer.wrap(pcap);
        int magic = b.getInt(0);
        if (magic == 0xd4c3b2a1) b.order(ByteOrder.LITTLE_ENDIAN);
        else assertThat(magic).isEqualTo(0xa1b2c3d4);
        assertThat(b.getShort(4)).isEqualTo((short) 2);
        assertThat(b.getInt(20)).as("LINKTYPE_RAW").isEqualTo(101);
        int pos = 24;
        List<byte[]> packets = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        while (pos < pcap.length) {
            long sec = Integer.toUnsignedLong(b.getInt(pos));
            long usec = Integer.toUnsignedLong(b.getInt(pos + 4));
            int incl = b.getInt(pos + 8);
            packets.add(Arrays.copyOfRange(pcap, pos + 16, pos + 16 + incl));
            times.add(sec * 1000.0 + usec / 1000.0);
            pos += 16 + incl;
        }
        assertThat(packets).hasSize(segs.size());
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            assertThat(p[0]).as("IPv4, 20-byte header").isEqualTo((byte) 0x45);
            assertThat(Packets.checksum(Arrays.copyOfRange(p, 0, 20)))
                    .as("IPv4 header checksum of packet %d", i)
                    .isZero();
            int tcpLen = p.length - 20;
            ByteBuffer pseudo = ByteBuffer.allocate(12 + tcpLen);
            pseudo.put(p, 12, 8)
                    .put((byte) 0)
                    .put((byte) 6)
                    .putShort((short) tcpLen)
                    .put(p, 20, tcpLen);
            assertThat(Packets.checksum(pseudo.array()))
                    .as("TCP checksum of packet %d", i)
                    .isZero();
            assertThat(times.get(i)).isEqualTo(((Number) segs.get(i).get("time")).doubleValue());
        }
        // Wireshark's reader agrees, when it is installed (.ci/run installs tshark).
        Path tshark = Path.of("/usr/bin/tshark");
        Assumptions.assumeTrue(
                Files.isExecutable(tshark), "tshark is not installed: skipping the Wireshark cross-check");
        Path file = Files.createTempFile("tcplab-test-", ".pcap");
        try {
            Files.write(file, pcap);
            Process proc = new ProcessBuilder(
                            tshark.toString(),
                            "-r",
                            file.toString(),
                            "-o",
                            "tcp.check_checksum:TRUE",
                            "-T",
                            "fields",
                            "-e",
                            "tcp.checksum.status")
                    .redirectErrorStream(true)
                    .start();
            assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
            List<String> lines = new String(proc.getInputStream().readAllBytes())
                    .lines()
                    .filter(l -> !l.isBlank() && !l.contains("Running as user"))
                    .toList();
            assertThat(lines)
                    .hasSize(segs.size())
                    .allMatch(
                            l -> l.trim().equals("1") || l.trim().equalsIgnoreCase("Good"),
                            "tcp.checksum.status Good (1)");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
