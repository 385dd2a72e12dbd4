package org.tcplab.server.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.MutableClock;
import org.tcplab.server.support.MutableClockConfig;

/**
 * Uploads count against a client's per-minute budget like lab creation, before their body is read:
 * the limit triggers, says when to come back, and lets the client upload again once the minute passed.
 */
// A context of its own (the capture limit is only there to tell it from RateLimitTest's, whose
// creations would otherwise have spent this budget already).
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.labs-per-client-per-minute=2", "tcplab.max-capture-conversations=31"})
@AutoConfigureWebTestClient
@Import(MutableClockConfig.class)
class CaptureRateLimitTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    @Autowired
    MutableClock clock;

    /** A fresh minute for this client, whatever an earlier attempt of the test (a rerun) spent. */
    @org.junit.jupiter.api.BeforeEach
    void freshMinute() {
        clock.advance(Duration.ofSeconds(61));
    }

    @Test
    void aClientUploadingTooOftenGets429AndMayUploadAgainAfterTheMinute() {
        byte[] file = CaptureSamples.find("linux-refused").orElseThrow().bytes();
        for (int i = 0; i < 2; i++) upload(file).expectStatus().isCreated();
        web.post()
                .uri("/api/captures/samples/linux-refused")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader()
                .exists(HttpHeaders.RETRY_AFTER)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("rate-limited")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("tcplab.labs-per-client-per-minute")
                        .contains("try again in"));
        upload(file).expectStatus().isEqualTo(429);

        clock.advance(Duration.ofSeconds(61));
        upload(file).expectStatus().isCreated();
        labs.all().forEach(labs::delete);
    }

    private WebTestClient.ResponseSpec upload(byte[] file) {
        return web.post()
                .uri("/api/captures")
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .bodyValue(file)
                .exchange();
    }
}
