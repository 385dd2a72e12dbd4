package org.tcplab.server.capture;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Uploads count against a client's per-minute budget like lab creation, before their body is read. */
// A context of its own (the capture limit is only there to tell it from RateLimitTest's, whose two
// creations would otherwise have spent this budget already).
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.labs-per-client-per-minute=2", "tcplab.max-capture-conversations=31"})
@AutoConfigureWebTestClient
class CaptureRateLimitTest {

    @Autowired
    WebTestClient web;

    @Test
    void aClientUploadingTooOftenGets429() {
        byte[] file = CaptureSamples.find("linux-refused").orElseThrow().bytes();
        for (int i = 0; i < 2; i++) {
            web.post()
                    .uri("/api/captures")
                    .contentType(MediaType.APPLICATION_OCTET_STREAM)
                    .bodyValue(file)
                    .exchange()
                    .expectStatus()
                    .isCreated();
        }
        web.post()
                .uri("/api/captures/samples/linux-refused")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> org.assertj.core.api.Assertions.assertThat((String) d)
                        .contains("tcplab.labs-per-client-per-minute"));
    }
}
