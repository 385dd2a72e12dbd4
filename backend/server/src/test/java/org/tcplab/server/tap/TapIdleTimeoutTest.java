package org.tcplab.server.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.tap.TapSupport;

/** An idle tap lab is removed like any other, and its namespace (with the device) goes with it. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.tap.enabled=true", "tcplab.idle-timeout=1s"})
@AutoConfigureWebTestClient
class TapIdleTimeoutTest {

    @Autowired
    WebTestClient web;

    @Test
    @SuppressWarnings("unchecked")
    void idleTapLabLosesItsNamespace() throws Exception {
        TapSupport.Availability a = TapSupport.check("server");
        Assumptions.assumeTrue(a.available(), () -> "tap labs need: " + a.reason());
        LabClient api = new LabClient(web);
        Created lab = api.create(Map.of("mode", "tap", "linuxSide", "server"));
        String namespace = (String) ((Map<String, Object>) api.snapshot(lab).get("tap")).get("namespace");
        try {
            assertThat(netns()).contains(namespace);
            // Nobody touches the lab now (reading it would count as use): only watch the namespaces.
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (netns().contains(namespace) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(netns()).doesNotContain(namespace);
            web.get().uri("/api/labs/" + lab.id()).exchange().expectStatus().isNotFound();
        } finally {
            if (netns().contains(namespace)) {
                new ProcessBuilder("ip", "netns", "delete", namespace).start().waitFor();
            }
        }
    }

    private static List<String> netns() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out.lines().map(l -> l.split(" ")[0]).filter(s -> !s.isBlank()).toList();
    }
}
