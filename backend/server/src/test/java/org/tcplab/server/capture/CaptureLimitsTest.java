package org.tcplab.server.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.LabClient;
import reactor.core.publisher.Flux;

/**
 * The upload's limits: each one triggers, says what to do, and leaves the server able to take the
 * next upload. Small limits so that small files reach them.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.max-capture-bytes=3000", "tcplab.max-labs=3", "tcplab.labs-per-client-per-minute=100"})
@AutoConfigureWebTestClient
class CaptureLimitsTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    static byte[] sample(String file) {
        return CaptureSamples.find(file).orElseThrow().bytes();
    }

    @Test
    void aFileOverTheLimitIs413WhetherItSaysItsLengthOrNotAndTheNextUploadWorks() {
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(new byte[4000])
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("capture-too-large")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("capture of 4000 bytes is larger than 3000 bytes (tcplab.max-capture-bytes)")
                        .contains("tcpdump -i any -w hs.pcap port 80"));
        // Chunked, with no Content-Length: the stream is cut at the limit.
        Flux<DataBuffer> chunks =
                Flux.range(0, 8).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[500]));
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(chunks, DataBuffer.class)
                .exchange()
                .expectStatus()
                .isEqualTo(413)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("capture-too-large")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("the capture is larger than 3000 bytes (tcplab.max-capture-bytes)")
                        .contains("editcap"));
        int before = labs.size();
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(sample("linux-refused"))
                .exchange()
                .expectStatus()
                .isCreated();
        assertThat(labs.size()).isEqualTo(before + 1);
        for (var lab : labs.all()) labs.delete(lab);
    }

    @Test
    void anUploadNeedingMoreLabsThanTheServerHasIs503AndCreatesNone() {
        for (var lab : labs.all()) labs.delete(lab);
        LabClient api = new LabClient(web);
        api.create(Map.of());
        api.create(Map.of());
        byte[] twoConversations = concatenatedPcap(sample("linux-refused"), sample("linux-handshake"));
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(twoConversations)
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("server-full")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("needs 2 labs and the server has room for 1 more"));
        assertThat(labs.size()).isEqualTo(2);
        labs.delete(labs.all().get(0));
        web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(twoConversations)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.conversations.length()")
                .isEqualTo(2);
        for (var lab : labs.all()) labs.delete(lab);
    }

    /**
     * One pcapng file with both recordings: pcapng allows several sections, each with its own
     * interfaces (the handshake recording is pcap, so it is wrapped as a section of its own).
     */
    static byte[] concatenatedPcap(byte[] pcapng, byte[] pcap) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(pcap).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        boolean little = in.getInt(0) == 0xa1b2c3d4;
        in.order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        int linkType = in.getInt(20) & 0xffff;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(pcapng);
        out.writeBytes(block(
                0x0a0d0d0a,
                buf(16).putInt(0x1a2b3c4d)
                        .putShort((short) 1)
                        .putShort((short) 0)
                        .putLong(-1)));
        out.writeBytes(
                block(1, buf(8).putShort((short) linkType).putShort((short) 0).putInt(0)));
        for (int pos = 24; pos + 16 <= pcap.length; ) {
            long sec = Integer.toUnsignedLong(in.getInt(pos));
            long usec = Integer.toUnsignedLong(in.getInt(pos + 4));
            int len = in.getInt(pos + 8);
            long units = sec * 1_000_000 + usec;
            java.nio.ByteBuffer body = buf(20 + ((len + 3) & ~3));
            body.putInt(0)
                    .putInt((int) (units >>> 32))
                    .putInt((int) units)
                    .putInt(len)
                    .putInt(len);
            body.put(pcap, pos + 16, len);
            out.writeBytes(block(6, body));
            pos += 16 + len;
        }
        return out.toByteArray();
    }

    private static java.nio.ByteBuffer buf(int n) {
        return java.nio.ByteBuffer.allocate(n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] block(int type, java.nio.ByteBuffer body) {
        int length = 12 + body.capacity();
        return buf(length)
                .putInt(type)
                .putInt(length)
                .put(body.array())
                .putInt(length)
                .array();
    }
}
