package org.tcplab.server.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.server.export.PcapWriter;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.Packets;

/**
 * The "Captures" contract of lab-api.md over HTTP: a lab's own pcap export uploaded back (a file
 * libpcap wrote, of segments our engine sent), the shape of the answer, the read-only labs it
 * makes, refusals with what is wrong, and the recorded Linux captures.
 */
// A context of its own: its many uploads must not spend the shared context's per-client budget.
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=1000")
@AutoConfigureWebTestClient
class CaptureApiTest {

    static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    LabClient api;

    @BeforeEach
    void setUp() {
        api = new LabClient(web);
    }

    /** A sim lab with a handshake, 5 bytes and a close on ports 40000/80, and its pcap export. */
    byte[] simulatedCapture(int connections) {
        Created lab = api.create(Map.of("seed", 1, "link", Map.of("latencyMs", 10)));
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        for (int i = 0; i < connections; i++) {
            Map<String, Object> c = api.post(
                            lab,
                            "/connections",
                            Map.of("localPort", 40000 + i, "remotePort", 80, "isn", 1000, "peerIsn", 5000))
                    .expectStatus()
                    .isCreated()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            String id = (String) c.get("id");
            api.post(lab, "/connections/" + id + "/send", Map.of("side", "client", "text", "hello"))
                    .expectStatus()
                    .isAccepted();
            api.post(lab, "/connections/" + id + "/close", Map.of("side", "client"))
                    .expectStatus()
                    .isAccepted();
            api.post(lab, "/connections/" + id + "/close", Map.of("side", "server"))
                    .expectStatus()
                    .isAccepted();
        }
        return web.get()
                .uri("/api/labs/" + lab.id() + "/capture.pcap")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
    }

    Map<String, Object> upload(byte[] file) {
        return web.post()
                .uri("/api/captures?name=lab.pcap")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(file)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    long lastEventId(String lab) {
        Map<String, Object> snapshot = web.get()
                .uri("/api/labs/" + lab)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        return ((Number) snapshot.get("lastEventId")).longValue();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object o) {
        return (List<Map<String, Object>>) o;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aLabsOwnCaptureComesBackAsAReadOnlyLabWithInferredStates() {
        Map<String, Object> out = upload(simulatedCapture(1));
        assertThat(out.get("token")).isInstanceOf(String.class);
        assertThat(out.get("format")).isEqualTo("pcap");
        List<Map<String, Object>> conversations = list(out.get("conversations"));
        assertThat(conversations).singleElement().satisfies(c -> {
            assertThat(c.get("index")).isEqualTo(1);
            assertThat(c.get("client")).isEqualTo("192.0.2.1:40000");
            assertThat(c.get("server")).isEqualTo("192.0.2.2:80");
            assertThat(c.get("complete")).isEqualTo(true);
            assertThat(((Number) c.get("segments")).intValue()).isGreaterThanOrEqualTo(7);
            assertThat(c.get("labId")).isInstanceOf(String.class);
        });
        Created lab = new Created((String) conversations.get(0).get("labId"), (String) out.get("token"));

        Map<String, Object> snap = api.snapshot(lab);
        assertThat(snap.get("mode")).isEqualTo("capture");
        assertThat(list(snap.get("hosts"))).extracting(h -> h.get("ip")).containsExactly("192.0.2.1", "192.0.2.2");
        Map<String, Object> capture = (Map<String, Object>) snap.get("capture");
        assertThat(capture.get("source")).isEqualTo("lab.pcap");
        assertThat(capture.get("clientState")).isEqualTo("TIME_WAIT");
        assertThat(capture.get("serverState")).isEqualTo("CLOSED");
        // Compare with the RFC: figure 6 with the capture's own ISNs.
        Map<String, Object> scenario = (Map<String, Object>) snap.get("scenario");
        assertThat(scenario.get("name")).isEqualTo("capture-handshake");
        Map<String, Object> verdict = (Map<String, Object>) scenario.get("verdict");
        assertThat(verdict.get("passed")).as("%s", verdict.get("mismatches")).isEqualTo(true);
        assertThat(list(verdict.get("expected")).get(0).get("seq")).isEqualTo(1000);

        List<Map<String, Object>> events = api.events(lab, 0);
        List<Map<String, Object>> sent = new ArrayList<>();
        List<String> clientStates = new ArrayList<>();
        List<String> serverStates = new ArrayList<>();
        for (Map<String, Object> e : events) {
            if ("segment.sent".equals(e.get("type"))) sent.add(e);
            if ("state".equals(e.get("type"))) {
                assertThat(e.get("inferred")).isEqualTo(true);
                ("client".equals(e.get("host")) ? clientStates : serverStates).add((String) e.get("to"));
            }
        }
        Map<String, Object> syn = (Map<String, Object>) sent.get(0).get("segment");
        assertThat(syn.get("flags")).isEqualTo(List.of("SYN"));
        assertThat(syn.get("seq")).isEqualTo(1000);
        assertThat((String) syn.get("bytes")).startsWith("9c400050000003e8"); // ports 40000, 80, seq 1000
        assertThat(sent).anySatisfy(e -> assertThat(((Map<String, Object>) e.get("segment")).get("payloadLength"))
                .isEqualTo(5));
        assertThat(clientStates).containsExactly("SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT");
        assertThat(serverStates)
                .containsExactly("LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED");
        assertThat(events).anySatisfy(e -> assertThat(e.get("type")).isEqualTo("narration"));
    }

    @Test
    void everyChangeOfACaptureLabIs409AndDeleteTakesTheUploadsToken() {
        Map<String, Object> out = upload(simulatedCapture(2));
        String token = (String) out.get("token");
        List<Map<String, Object>> conversations = list(out.get("conversations"));
        assertThat(conversations).hasSize(2);
        Created lab = new Created((String) conversations.get(0).get("labId"), token);
        Created other = new Created((String) conversations.get(1).get("labId"), token);

        long eventsBefore = lastEventId(lab.id());
        api.post(lab, "/connections", Map.of("remotePort", 80))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("lab-read-only")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("read-only").contains("start a lab of your own"));
        api.post(lab, "/hosts/client/crash", Map.of()).expectStatus().isEqualTo(409);
        api.post(lab, "/connections/1/send", Map.of("side", "client", "text", "x"))
                .expectStatus()
                .isEqualTo(409);
        api.post(lab, "/connections/1/close", Map.of("side", "client"))
                .expectStatus()
                .isEqualTo(409);
        api.post(lab, "/listen", Map.of("host", "server", "port", 81))
                .expectStatus()
                .isEqualTo(409);
        api.post(lab, "/faults", Map.of("direction", "both", "action", "drop"))
                .expectStatus()
                .isEqualTo(409);
        api.post(lab, "/advance", Map.of("ms", 10)).expectStatus().isEqualTo(409);
        api.post(lab, "/scenarios/three-way-handshake", Map.of()).expectStatus().isEqualTo(409);
        api.patch(lab, "/clock", Map.of("clock", "step"))
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("lab-read-only");
        assertThat(lastEventId(lab.id())).as("refused changes change nothing").isEqualTo(eventsBefore);

        web.delete().uri("/api/labs/" + lab.id()).exchange().expectStatus().isUnauthorized();
        web.delete()
                .uri("/api/labs/" + lab.id())
                .headers(h -> h.setBearerAuth("not-the-token"))
                .exchange()
                .expectStatus()
                .isForbidden();
        api.delete(lab, "").expectStatus().isNoContent();
        web.get().uri("/api/labs/" + lab.id()).exchange().expectStatus().isNotFound();
        api.snapshot(other); // the upload's other conversation is still there
        api.delete(other, "").expectStatus().isNoContent();
    }

    @Test
    void whatIsNotACaptureIs400SayingWhatIsWrongAndCreatesNothing() {
        byte[] whole = simulatedCapture(1);
        int before = labs.size();
        problem("GIF89a not a capture".getBytes(), "not a capture: a pcap file starts with a1 b2 c3 d4");
        problem(new byte[0], "the file is empty");
        problem(java.util.Arrays.copyOf(whole, whole.length - 10), "the capture is truncated");
        byte[] huge = whole.clone();
        java.nio.ByteBuffer.wrap(huge).order(java.nio.ByteOrder.nativeOrder()).putInt(24 + 8, 0x7fffffff);
        problem(huge, "claims 2147483647 captured bytes");
        byte[] noPackets = java.util.Arrays.copyOf(whole, 24);
        problem(noPackets, "holds no packets");
        assertThat(labs.size()).isEqualTo(before);
    }

    void problem(byte[] body, String detail) {
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("file")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains(detail));
    }

    @Test
    void theOpenApiDocumentTakesTheFileAsTheBody() {
        web.mutate()
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .build()
                .get()
                .uri("/v3/api-docs")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.paths['/api/captures'].post.requestBody.content['application/octet-stream']")
                .exists()
                .jsonPath("$.paths['/api/captures'].post.responses['201']")
                .exists()
                .jsonPath("$.paths['/api/captures/samples/{name}'].post")
                .exists();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLinuxRecordingsAreListedAndOpenAsLabs() {
        List<Map<String, Object>> samples = web.get()
                .uri("/api/captures/samples")
                .header("Accept-Language", "zh-CN")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
        assertThat(samples)
                .extracting(s -> s.get("name"))
                .containsExactly("linux-handshake", "linux-refused", "linux-syn-ack-lost", "linux-simultaneous-close");
        assertThat((String) samples.get(0).get("title")).startsWith("Linux 实录");

        Map<String, String> endStates = Map.of(
                "linux-handshake", "TIME_WAIT/CLOSED",
                "linux-refused", "CLOSED/CLOSED",
                "linux-syn-ack-lost", "TIME_WAIT/CLOSED",
                "linux-simultaneous-close", "TIME_WAIT/TIME_WAIT");
        for (Map<String, Object> s : samples) {
            Map<String, Object> out = web.post()
                    .uri("/api/captures/samples/" + s.get("name"))
                    .exchange()
                    .expectStatus()
                    .isCreated()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            Map<String, Object> c = list(out.get("conversations")).get(0);
            assertThat(c.get("clientState") + "/" + c.get("serverState"))
                    .as((String) s.get("name"))
                    .isEqualTo(endStates.get(s.get("name")));
            assertThat(c.get("client")).asString().startsWith("198.51.100.2:");
        }
        web.post().uri("/api/captures/samples/nope").exchange().expectStatus().isNotFound();
    }

    /**
     * An IPv6 handshake, written as a pcap by the lab's own {@link PcapWriter}: the capture lab shows
     * the real addresses (snapshot and events), and its own capture.pcap gives the same packets back.
     */
    @Test
    @SuppressWarnings("unchecked")
    void anIpv6CaptureKeepsItsAddressesAndItsBytesThroughTheLab() throws Exception {
        byte[] c = java.net.InetAddress.getByName("2001:db8::1").getAddress(); // a literal: no lookup
        byte[] s = java.net.InetAddress.getByName("2001:db8::2").getAddress();
        List<byte[]> packets = List.of(
                ipv6(c, s, 40000, 443, 100, 0, TcpFlags.SYN),
                ipv6(s, c, 443, 40000, 300, 101, TcpFlags.SYN_ACK),
                ipv6(c, s, 40000, 443, 101, 301, TcpFlags.ACK));
        List<LoggedEvent> log = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            log.add(new LoggedEvent(
                    i + 1,
                    new LabEvent.SegmentSent(
                            1000L * i,
                            "1",
                            i + 1,
                            HostName.CLIENT,
                            HostName.SERVER,
                            false,
                            false,
                            packets.get(i),
                            null)));
        }
        Map<String, Object> out = upload(PcapWriter.write(log));
        String lab = (String) list(out.get("conversations")).get(0).get("labId");

        Map<String, Object> snapshot = web.get()
                .uri("/api/labs/" + lab)
                .exchange()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(list(snapshot.get("hosts")))
                .extracting(h -> h.get("ip"))
                .containsExactly("2001:db8::1", "2001:db8::2");
        Map<String, Object> capture = (Map<String, Object>) snapshot.get("capture");
        assertThat(capture.get("ipVersion")).isEqualTo(6);
        assertThat(capture.get("client")).isEqualTo("[2001:db8::1]:40000");
        assertThat(capture.get("complete")).isEqualTo(true);

        List<Map<String, Object>> events = web.get()
                .uri("/api/labs/" + lab + "/events")
                .exchange()
                .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                .returnResult()
                .getResponseBody();
        Map<String, Object> syn = (Map<String, Object>) events.stream()
                .filter(e -> "segment.sent".equals(e.get("type")))
                .findFirst()
                .orElseThrow()
                .get("segment");
        assertThat(syn.get("srcIp")).isEqualTo("2001:db8::1");
        assertThat(syn.get("flags")).isEqualTo(List.of("SYN"));
        assertThat(syn.get("checksumOk")).isEqualTo(true);

        byte[] pcap = web.get()
                .uri("/api/labs/" + lab + "/capture.pcap")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(byte[].class)
                .returnResult()
                .getResponseBody();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int at = 24;
        for (byte[] p : packets) {
            int length = b.getInt(at + 8);
            assertThat(length).isEqualTo(p.length);
            assertThat(java.util.Arrays.copyOfRange(pcap, at + 16, at + 16 + length))
                    .isEqualTo(p);
            at += 16 + length;
        }
        assertThat(at).isEqualTo(pcap.length);
    }

    /** IPv6 (RFC 8200) and a TCP header with its checksum over the IPv6 pseudo-header (§8.1). */
    static byte[] ipv6(byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack, TcpFlags flags) {
        byte[] v4 = Packets.ipv4Tcp(new byte[4], new byte[4], srcPort, dstPort, seq, ack, flags, 65535, new byte[0]);
        byte[] tcp = java.util.Arrays.copyOfRange(v4, 20, v4.length);
        tcp[16] = 0;
        tcp[17] = 0;
        java.nio.ByteBuffer pseudo = java.nio.ByteBuffer.allocate(40 + tcp.length);
        pseudo.put(src).put(dst).putInt(tcp.length).putInt(6).put(tcp);
        int sum = Packets.checksum(pseudo.array());
        tcp[16] = (byte) (sum >> 8);
        tcp[17] = (byte) sum;
        java.nio.ByteBuffer ip = java.nio.ByteBuffer.allocate(40 + tcp.length);
        ip.putInt(0x60000000).putShort((short) tcp.length).put((byte) 6).put((byte) 64);
        return ip.put(src).put(dst).put(tcp).array();
    }
}
