package org.tcplab.server.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.support.LabClient;

/**
 * The verdict kept as events arrive equals the verdict of the whole log, for scenarios that pass,
 * fail, drop and retransmit, and for a run started in a lab that already had traffic at the same
 * virtual time; and while nothing new arrives it is not recomputed.
 */
// Its own creation window: these labs must not count against the other tests' 127.0.0.1.
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "tcplab.labs-per-client-per-minute=1000")
@AutoConfigureWebTestClient
class RunningScenarioTest {

    @Autowired
    WebTestClient web;

    @Autowired
    LabService labs;

    @ParameterizedTest
    @ValueSource(
            strings = {"three-way-handshake", "lossy-transfer", "syn-ack-lost", "simultaneous-open", "blind-reset"})
    void theKeptVerdictIsTheWholeLogsVerdict(String scenario) {
        String id = (String) web.post()
                .uri("/api/scenarios/" + scenario + "/labs")
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody()
                .get("id");
        assertSameAsWholeLog(labs.get(id));
    }

    @ParameterizedTest
    @ValueSource(strings = {"three-way-handshake", "normal-close"})
    void aRunInABusyLabSeesOnlyItsOwnEvents(String scenario) {
        LabClient api = new LabClient(web);
        LabClient.Created created = api.create(Map.of("seed", 3, "clock", "step"));
        // Traffic on other ports, at the virtual time the run will start at, before it starts.
        api.post(created, "/connections", Map.of("localPort", 40000, "remotePort", 9, "autoListen", true))
                .expectStatus()
                .isCreated();
        api.post(created, "/scenarios/" + scenario, Map.of()).expectStatus().isAccepted();
        api.post(created, "/advance", Map.of("ms", 60_000)).expectStatus().isOk();
        assertSameAsWholeLog(labs.get(created.id()));
    }

    private static void assertSameAsWholeLog(Lab lab) {
        RunningScenario running = (RunningScenario) lab.scenario();
        List<LoggedEvent> log = lab.events(0, Integer.MAX_VALUE);
        ScenarioVerdict kept = running.verdict();
        assertThat(kept).isEqualTo(running.run().verdict(log));
        assertThat(kept.actual()).as("the run's segments were kept").isNotEmpty();
        // Nothing new: the same verdict, not a recomputed one.
        assertThat(running.verdict()).isSameAs(kept);
    }
}
