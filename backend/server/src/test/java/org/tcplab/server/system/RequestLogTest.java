package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.ManualWallClock;
import org.tcplab.server.support.ManualWallClockConfig;

/**
 * A request's log lines carry its own id and client, whichever thread wrote them: the lab's
 * lifecycle lines (created on a worker thread, stopped by a limit on the lab's executor, deleted)
 * and the access line share the request id of the request that caused them. Lines outside any
 * request (idle removal) name the lab and the client that created it.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"tcplab.max-events-per-lab=12", "tcplab.labs-per-client-per-minute=100000"})
@AutoConfigureWebTestClient
@Import(ManualWallClockConfig.class)
class RequestLogTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    @Autowired
    ManualWallClock clock;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        lines.start();
        root.addAppender(lines);
    }

    @AfterEach
    void release() {
        root.detachAppender(lines);
    }

    private ILoggingEvent line(Predicate<String> message) {
        List<ILoggingEvent> found = List.copyOf(lines.list).stream()
                .filter(e -> message.test(e.getFormattedMessage()))
                .toList();
        assertThat(found).as("log lines: %s", lines.list).hasSize(1);
        return found.get(0);
    }

    /**
     * The access line of the request with this id. It is written when the exchange completes, which
     * may be just after the client has read the answer: wait for it (briefly).
     */
    private String accessLine(String requestId) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(10))
                .until(() -> List.copyOf(lines.list).stream()
                        .anyMatch(e -> e.getLoggerName().equals("tcplab.access")
                                && requestId.equals(e.getMDCPropertyMap().get(RequestLog.REQUEST_ID))));
        return List.copyOf(lines.list).stream()
                .filter(e -> e.getLoggerName().equals("tcplab.access"))
                .filter(e -> requestId.equals(e.getMDCPropertyMap().get(RequestLog.REQUEST_ID)))
                .map(ILoggingEvent::getFormattedMessage)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no access line for request " + requestId + " in " + lines.list));
    }

    @Test
    void everyLineOfARequestCarriesItsIdAndClient() {
        LabClient client = new LabClient(web);
        LabClient.Created lab = client.create(Map.of("seed", 3, "clock", "instant"));

        ILoggingEvent created = line(m -> m.startsWith("lab " + lab.id() + " created by 127.0.0.1"));
        String createId = created.getMDCPropertyMap().get(RequestLog.REQUEST_ID);
        assertThat(createId).isNotBlank();
        assertThat(created.getMDCPropertyMap()).containsEntry(RequestLog.CLIENT, "127.0.0.1");
        assertThat(accessLine(createId)).startsWith("POST /api/labs 201 ");

        // The handshake and some data overrun 12 events: the lab stops inside this request, on its executor.
        client.post(lab, "/connections", Map.of("autoListen", true, "remotePort", 80))
                .expectStatus()
                .isCreated();
        web.post()
                .uri("/api/labs/" + lab.id() + "/connections/1/send")
                .header("Authorization", "Bearer " + lab.token())
                .bodyValue(Map.of("text", "x".repeat(5000)))
                .exchange();
        ILoggingEvent stopped =
                line(m -> m.startsWith("lab " + lab.id() + " stopped by a limit, created by 127.0.0.1"));
        String stopId = stopped.getMDCPropertyMap().get(RequestLog.REQUEST_ID);
        assertThat(stopId).isNotBlank().isNotEqualTo(createId);
        assertThat(accessLine(stopId)).startsWith("POST /api/labs/" + lab.id() + "/connections");
        assertThat(stopped.getThreadName()).isNotEqualTo(created.getThreadName());

        web.delete()
                .uri("/api/labs/" + lab.id())
                .header("Authorization", "Bearer " + lab.token())
                .exchange()
                .expectStatus()
                .isNoContent();
        ILoggingEvent deleted = line(m -> m.startsWith("lab " + lab.id() + " deleted, created by 127.0.0.1"));
        assertThat(accessLine(deleted.getMDCPropertyMap().get(RequestLog.REQUEST_ID)))
                .startsWith("DELETE /api/labs/" + lab.id() + " 204 ");
    }

    @Test
    void idleRemovalNamesTheLabAndItsCreatorOutsideAnyRequest() {
        LabClient.Created lab = new LabClient(web).create(Map.of("seed", 4));
        clock.advance(labs.properties().getIdleTimeout().plusMinutes(1));
        labs.removeIdle();
        ILoggingEvent removed = line(m -> m.startsWith("lab " + lab.id() + " removed idle after"));
        assertThat(removed.getFormattedMessage())
                .contains("tcplab.idle-timeout")
                .contains("created by 127.0.0.1");
        assertThat(removed.getMDCPropertyMap()).doesNotContainKey(RequestLog.REQUEST_ID);
    }
}
