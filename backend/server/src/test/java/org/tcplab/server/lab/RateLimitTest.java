package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.MutableClock;
import org.tcplab.server.support.MutableClockConfig;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;

/** The per-client creation limit: it triggers, says when to come back, and recovers when the minute passes. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.labs-per-client-per-minute=2", "tcplab.max-tracked-clients=3"})
@AutoConfigureWebTestClient
@Import(MutableClockConfig.class)
class RateLimitTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    @Autowired
    MutableClock clock;

    @BeforeEach
    void aNewMinute() {
        clock.advance(Duration.ofMinutes(5));
        labs.all().forEach(labs::delete);
    }

    private WebTestClient.ResponseSpec createOverHttp() {
        return web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange();
    }

    @Test
    void aClientOverTheLimitGets429WithRetryAfterAndMayCreateAgainOnceTheMinutePassed() {
        LabClient api = new LabClient(web);
        api.create(Map.of());
        clock.advance(Duration.ofSeconds(20));
        api.create(Map.of());
        createOverHttp()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                // The window opened 20 s ago: 40 s to go.
                .expectHeader()
                .valueEquals(HttpHeaders.RETRY_AFTER, "40")
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("rate-limited")
                .jsonPath("$.type")
                .isEqualTo("urn:tcplab:problem:rate-limited")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("tcplab.labs-per-client-per-minute")
                        .contains("try again in 40 s"));

        clock.advance(Duration.ofSeconds(39));
        createOverHttp().expectStatus().isEqualTo(429).expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "1");

        clock.advance(Duration.ofSeconds(1));
        api.create(Map.of());
        api.create(Map.of());
        createOverHttp().expectStatus().isEqualTo(429);
    }

    @Test
    void theLimiterTracksABoundedNumberOfAddressesAndRefusesNewOnesUntilAWindowEnds() {
        LabSettings sim = LabSpec.defaults().settings(1);
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.1");
        clock.advance(Duration.ofSeconds(10));
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.2");
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.3");
        assertThatThrownBy(() -> labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.4"))
                .isInstanceOfSatisfying(LabProblem.class, p -> {
                    assertThat(p.type()).isEqualTo(ProblemType.RATE_LIMITER_FULL);
                    assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(50));
                    assertThat(p.getMessage()).contains("tcplab.max-tracked-clients", "try again in 50 s");
                });
        // Known addresses keep their own windows meanwhile.
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.2");

        clock.advance(Duration.ofSeconds(50));
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.0.4");
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        assertThat(LabService.rateKey("2001:db8:1:2:aaaa::1")).isEqualTo(LabService.rateKey("2001:db8:1:2:bbbb::9"));
        assertThat(LabService.rateKey("2001:db8:1:2::1")).isNotEqualTo(LabService.rateKey("2001:db8:1:3::1"));
        assertThat(LabService.rateKey("192.0.2.7")).isEqualTo("192.0.2.7");
    }

    @Test
    void theSweepForgetsEndedWindows() {
        LabSettings sim = LabSpec.defaults().settings(1);
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.1.1");
        labs.create(sim, ClockMode.STEP, 1.0, "10.0.1.2");
        assertThat(labs.trackedClients()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        labs.removeIdle();
        assertThat(labs.trackedClients()).isZero();
    }
}
