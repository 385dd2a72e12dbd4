package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;

/**
 * Issue 8's ACK war, at REST level on the real engine: a spoofed data byte "from the client" with
 * the client's own SND.NXT desynchronises the two ends over a 0 ms link, and they answer each
 * other's ACKs forever at one virtual instant. The request that runs it returns within its bounds
 * with a note, and meanwhile other labs and /actuator/health answer. (engine-tcp's ACK rate limit
 * ends the storm itself; these bounds must hold without it.) Prints how long each storm took.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.max-run-time=300ms",
            "tcplab.max-events-per-lab=2000000",
            "tcplab.max-bytes-per-lab=1073741824",
            "tcplab.instant-max-steps=100000000",
            "tcplab.labs-per-client-per-minute=1000"
        })
@AutoConfigureWebTestClient(timeout = "PT60S")
class AckStormTest {

    @Autowired
    WebTestClient web;

    static final Map<String, Object> STORM_LAB = Map.of(
            "seed", 7,
            "link", Map.of("latencyMs", 0),
            // The ACK rate limit (RFC 5961 §7) off: these bounds must hold without it.
            "tcp", Map.of("timestamps", false, "sack", false, "invalidAckIntervalMs", 0));

    Map<String, Object> clientSide(LabClient api, Created lab) {
        List<Map<String, Object>> conns =
                (List<Map<String, Object>>) api.snapshot(lab).get("connections");
        return (Map<String, Object>) conns.get(0).get("client");
    }

    /** The spoofed byte: from the client's port, at the client's own SND.NXT, acking what it acks. */
    Map<String, Object> spoofedByte(Map<String, Object> client) {
        return Map.of(
                "from",
                "client",
                "segment",
                Map.of(
                        "srcPort", client.get("localPort"),
                        "dstPort", client.get("remotePort"),
                        "seq", client.get("sndNxt"),
                        "ack", client.get("rcvNxt"),
                        "flags", List.of("ACK", "PSH"),
                        "text", "x"));
    }

    /** Other labs and health answer while {@code storm} runs; returns how many answered 200. */
    int othersAnswerDuring(LabClient api, CompletableFuture<?> storm) {
        Created other = api.create(Map.of());
        int answered = 0;
        int asked = 0;
        do {
            asked++;
            if (web.get()
                                    .uri("/api/labs/" + other.id())
                                    .exchange()
                                    .returnResult(String.class)
                                    .getStatus()
                                    .value()
                            == 200
                    && web.get()
                                    .uri("/actuator/health")
                                    .exchange()
                                    .returnResult(String.class)
                                    .getStatus()
                                    .value()
                            == 200) {
                answered++;
            }
        } while (!storm.isDone() && asked < 10_000);
        assertThat(answered).isEqualTo(asked);
        return answered;
    }

    List<String> notes(LabClient api, Created lab) {
        List<String> out = new ArrayList<>();
        long after = 0;
        while (true) {
            List<Map<String, Object>> page = web.get()
                    .uri("/api/labs/" + lab.id() + "/events?limit=200&after=" + after)
                    .exchange()
                    .expectBody(new ParameterizedTypeReference<List<Map<String, Object>>>() {})
                    .returnResult()
                    .getResponseBody();
            if (page.isEmpty()) return out;
            for (Map<String, Object> e : page) {
                if ("note".equals(e.get("type"))) out.add((String) e.get("text"));
            }
            after = ((Number) page.get(page.size() - 1).get("id")).longValue();
        }
    }

    @Test
    void aStepClockAdvanceIntoTheStormReturnsWithinItsBoundWhileOthersAnswer() {
        LabClient api = new LabClient(web);
        Map<String, Object> create = new java.util.HashMap<>(STORM_LAB);
        create.put("clock", "step");
        Created lab = api.create(create);
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        api.post(lab, "/advance", Map.of("ms", 1)).expectStatus().isOk();
        assertThat(clientSide(api, lab)).containsEntry("state", "ESTABLISHED");
        api.post(lab, "/inject", spoofedByte(clientSide(api, lab)))
                .expectStatus()
                .isAccepted();
        long start = System.nanoTime();
        CompletableFuture<Map<String, Object>> advance =
                CompletableFuture.supplyAsync(() -> api.post(lab, "/advance", Map.of("ms", 100))
                        .expectStatus()
                        .isOk()
                        .expectBody(new ParameterizedTypeReference<Map<String, Object>>() {})
                        .returnResult()
                        .getResponseBody());
        int others = othersAnswerDuring(api, advance);
        Map<String, Object> answer = advance.join();
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(answer).containsEntry("complete", false);
        assertThat(notes(api, lab)).anySatisfy(n -> assertThat(n).contains("advance stopped", "tcplab.max-run-time"));
        long events = ((Number) answer.get("lastEventId")).longValue();
        System.out.printf(
                "STORM step advance {ms:100}: answered in %.0f ms (tcplab.max-run-time=300ms), %d events,"
                        + " %d other-lab+health rounds answered meanwhile%n",
                ms, events, others);
    }

    @Test
    void anInstantClockStormStopsAtItsBoundAndTheLabStaysUsable() {
        LabClient api = new LabClient(web);
        Created lab = api.create(STORM_LAB);
        api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        long start = System.nanoTime();
        CompletableFuture<Integer> inject =
                CompletableFuture.supplyAsync(() -> api.post(lab, "/inject", spoofedByte(clientSide(api, lab)))
                        .returnResult(String.class)
                        .getStatus()
                        .value());
        int others = othersAnswerDuring(api, inject);
        assertThat(inject.join()).isEqualTo(202);
        double ms = (System.nanoTime() - start) / 1e6;
        assertThat(notes(api, lab))
                .anySatisfy(n -> assertThat(n).contains("instant clock stopped", "tcplab.max-run-time"));
        // Not stopped by a limit: the lab answers, and the next change runs (and is bounded) again.
        assertThat(api.snapshot(lab)).containsEntry("stopped", false);
        System.out.printf(
                "STORM instant inject: answered in %.0f ms (tcplab.max-run-time=300ms), %d other-lab+health"
                        + " rounds answered meanwhile%n",
                ms, others);
    }

    @Test
    void aRealtimeStormDoesNotHoldTheClockOfOtherLabs() throws Exception {
        LabClient api = new LabClient(web);
        Map<String, Object> create = new java.util.HashMap<>(STORM_LAB);
        create.put("clock", "realtime");
        Created storm = api.create(create);
        api.post(storm, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"ESTABLISHED".equals(clientSide(api, storm).get("state")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        api.post(storm, "/inject", spoofedByte(clientSide(api, storm)))
                .expectStatus()
                .isAccepted();
        // Another realtime lab's handshake over a 20 ms link still completes on its own clock.
        Created calm = api.create(Map.of("clock", "realtime", "link", Map.of("latencyMs", 20)));
        api.post(calm, "/connections", Map.of("remotePort", 80, "autoListen", true))
                .expectStatus()
                .isCreated();
        deadline = System.nanoTime() + 20_000_000_000L;
        while (!"ESTABLISHED".equals(clientSide(api, calm).get("state")) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(clientSide(api, calm)).containsEntry("state", "ESTABLISHED");
        assertThat(((Number) api.snapshot(storm).get("eventCount")).longValue()).isGreaterThan(1000);
        web.delete()
                .uri("/api/labs/" + storm.id())
                .headers(h -> h.setBearerAuth(storm.token()))
                .exchange()
                .expectStatus()
                .isNoContent();
    }
}
