package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.ServerProcess;
import org.tcplab.server.support.Servers;

/**
 * A real server process killed with SIGKILL (kill -9) and started again on its data directory:
 * every acknowledged command was journaled, so the labs come back with the same events, and their
 * tokens still work. Prints how long the restart took.
 */
class KillRestartTest {

    @TempDir
    Path dir;

    @Test
    void labsSurviveKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        Created lab;
        Created scenario;
        List<Map<String, Object>> events;
        List<Map<String, Object>> scenarioEvents;
        try (ServerProcess a = ServerProcess.start(dir, "a", "--tcplab.data-dir=" + data)) {
            LabClient api = new LabClient(Servers.client(a.port()));
            lab = api.create(Map.of("seed", 11, "link", Map.of("latencyMs", 3)));
            api.post(lab, "/connections", Map.of("remotePort", 80, "autoListen", true))
                    .expectStatus()
                    .isCreated();
            api.post(lab, "/connections/1/send", Map.of("side", "client", "text", "before the kill"))
                    .expectStatus()
                    .isAccepted();
            events = api.events(lab, 0);
            scenario = api.createForScenario("lossy-transfer");
            scenarioEvents = api.events(scenario, 0);
            assertThat(events).isNotEmpty();
            a.kill();
        }
        try (ServerProcess b = ServerProcess.start(dir, "b", "--tcplab.data-dir=" + data)) {
            WebTestClient web = Servers.client(b.port());
            LabClient api = new LabClient(web);
            assertThat(api.events(lab, 0)).isEqualTo(events);
            assertThat(api.events(scenario, 0)).isEqualTo(scenarioEvents);
            api.post(lab, "/connections/1/close", Map.of("side", "client"))
                    .expectStatus()
                    .isAccepted();
            List<Map<String, Object>> more = api.events(lab, events.size());
            assertThat(more).isNotEmpty();
            assertThat(((Number) more.get(0).get("id")).longValue()).isEqualTo(events.size() + 1L);
            Map<String, Object> snapshot = api.snapshot(lab);
            assertThat(snapshot).containsEntry("id", lab.id());
            System.out.printf(
                    "BENCH kill9_restart_to_first_answer %d ms (2 labs, %d events; load %.1f)%n",
                    b.startup().toMillis(),
                    events.size() + scenarioEvents.size(),
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                            .getSystemLoadAverage());
        }
    }
}
