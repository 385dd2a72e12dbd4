package org.tcplab.server.tap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.tap.TapSupport;

/**
 * Class mode in a tap lab (root only; skipped elsewhere with TapSupport's reason): our stack's SYN
 * is held and asked about; after the reveal Linux answers (its SYN-ACK is logged as it arrives,
 * never held) and our ACK is the next question.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "tcplab.tap.enabled=true")
@AutoConfigureWebTestClient
class TapQuizTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient web;

    @BeforeAll
    static void needsTap() {
        TapSupport.Availability a = TapSupport.check("server");
        Assumptions.assumeTrue(a.available(), () -> "tap labs need: " + a.reason());
    }

    @Test
    @SuppressWarnings("unchecked")
    void ourSegmentsAreHeldAndLinuxsAreAskedAboutAfterTheyArrive() throws Exception {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        LabClient api = new LabClient(web);
        Created lab = api.create(Map.of("mode", "tap", "linuxSide", "server", "tcp", Map.of("initialRtoMs", 10000)));
        try {
            api.post(lab, "/listen", Map.of("host", "server", "port", 8080))
                    .expectStatus()
                    .isCreated();
            api.post(lab, "/quiz", Map.of("enabled", true)).expectStatus().isOk();
            api.post(lab, "/connections", Map.of("from", "client", "localPort", 40000, "remotePort", 8080, "isn", 5000))
                    .expectStatus()
                    .isCreated();
            await(api, lab, ev -> ev.stream().anyMatch(e -> "quiz.question".equals(e.get("type"))));
            assertThat(api.events(lab, 0)).noneMatch(e -> "segment.sent".equals(e.get("type")));

            Map<String, Object> q1 = api.post(lab, "/quiz/questions/1/reveal", Map.of())
                    .expectStatus()
                    .isOk()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertThat((Map<String, Object>) q1.get("expected"))
                    .containsEntry("from", "client")
                    .containsEntry("flags", List.of("SYN"))
                    .containsEntry("seq", 5000);

            List<Map<String, Object>> events = await(
                    api,
                    lab,
                    ev -> ev.stream()
                                    .filter(e -> "quiz.question".equals(e.get("type")))
                                    .count()
                            == 2);
            assertThat(events)
                    .as("Linux's SYN-ACK arrived and was logged, not held")
                    .anySatisfy(e ->
                            assertThat(e).containsEntry("type", "segment.sent").containsEntry("from", "server"));
            Map<String, Object> q2 = api.post(lab, "/quiz/questions/2/reveal", Map.of())
                    .expectStatus()
                    .isOk()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertThat((Map<String, Object>) q2.get("expected"))
                    .containsEntry("from", "client")
                    .containsEntry("flags", List.of("ACK"))
                    .containsEntry("seq", 5001);
        } finally {
            web.delete()
                    .uri("/api/labs/" + lab.id())
                    .headers(h -> h.setBearerAuth(lab.token()))
                    .exchange();
        }
    }

    private static List<Map<String, Object>> await(
            LabClient api, Created lab, Predicate<List<Map<String, Object>>> done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Map<String, Object>> events = api.events(lab, 0);
        while (!done.test(events)) {
            assertThat(System.nanoTime())
                    .as("waiting for the kernel; events so far: %s", events)
                    .isLessThan(deadline);
            Thread.sleep(50);
            events = api.events(lab, 0);
        }
        return events;
    }
}
