package org.tcplab.server.tap;

import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** With tcplab.tap.enabled=false (the default) tap labs are 503 and the reason says how to enable them. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class TapDisabledTest {

    @Autowired
    WebTestClient web;

    @Test
    void tapIs503WithTheReasonAndCapabilitiesSayWhy() {
        web.post()
                .uri("/api/labs")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("mode", "tap", "linuxSide", "server"))
                .exchange()
                .expectStatus()
                .isEqualTo(503)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail")
                .value(containsString("--tcplab.tap.enabled=true"));
        web.get()
                .uri("/api/system/capabilities")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.modes.sim.available")
                .isEqualTo(true)
                .jsonPath("$.modes.tap.available")
                .isEqualTo(false)
                .jsonPath("$.modes.tap.enabled")
                .isEqualTo(false)
                .jsonPath("$.modes.tap.reason")
                .value(containsString("tcplab.tap.enabled=false"));
    }
}
