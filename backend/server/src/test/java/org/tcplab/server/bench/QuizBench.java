package org.tcplab.server.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;

/**
 * Not a test (Maven profile {@code bench}): a class of {@code bench.students} (default 1,000)
 * answers one question at once, from a client in a JVM of its own ({@link QuizClient}) on loopback,
 * then the teacher reveals it. Prints {@code BENCH <name> <value> <unit>} with the machine's load.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // One loopback address plays the whole class: its answer window must hold them all.
            "tcplab.quiz.answers-per-client-per-minute=1000000",
            "tcplab.quiz.max-answers-per-question=100000",
            "tcplab.quiz.max-names-per-lab=100000",
            "logging.level.root=WARN"
        })
@AutoConfigureWebTestClient
class QuizBench {

    @LocalServerPort
    int port;

    @Autowired
    WebTestClient web;

    static void bench(String name, double value, String unit) {
        System.out.printf(Locale.ROOT, "BENCH %s %.3f %s%n", name, value, unit);
    }

    @Test
    void aClassAnswersOneQuestion() throws Exception {
        int students = Integer.getInteger("bench.students", 1000);
        int concurrency = Integer.getInteger("bench.concurrency", 64);
        bench("machine.loadavg1.start", StreamBench.loadAverage(), "");
        for (int round = 0; round < 2; round++) { // the first round warms the server's JIT
            LabClient api = new LabClient(web);
            LabClient.Created lab = api.create(Map.of("seed", 3));
            api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                    .expectStatus()
                    .isCreated();
            api.post(lab, "/quiz", Map.of("enabled", true)).expectStatus().isOk();
            api.post(lab, "/connections", Map.of("localPort", 40000, "remotePort", 80, "isn", 1000))
                    .expectStatus()
                    .isCreated();
            String uri = "http://localhost:" + port + "/api/labs/" + lab.id() + "/quiz/questions/1/answers";
            Process client = new ProcessBuilder(
                            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx512m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            QuizClient.class.getName(),
                            uri,
                            Integer.toString(students),
                            Integer.toString(concurrency))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String result = new BufferedReader(new InputStreamReader(client.getInputStream())).readLine();
            client.waitFor();
            long t0 = System.nanoTime();
            api.post(lab, "/quiz/questions/1/reveal", Map.of()).expectStatus().isOk();
            double revealMs = (System.nanoTime() - t0) / 1e6;
            if (round == 0 || result == null) continue;
            String[] r = result.split(" ");
            String n = "quiz." + students;
            bench(n + ".accepted", Long.parseLong(r[1]), "answers");
            bench(n + ".refused", Long.parseLong(r[2]), "answers");
            bench(n + ".seconds", Double.parseDouble(r[3]), "s");
            bench(n + ".rate", Long.parseLong(r[1]) / Double.parseDouble(r[3]), "answers/s");
            bench(n + ".latency.p50", Double.parseDouble(r[4]), "ms");
            bench(n + ".latency.p99", Double.parseDouble(r[5]), "ms");
            bench(n + ".latency.max", Double.parseDouble(r[6]), "ms");
            bench(n + ".reveal", revealMs, "ms");
        }
        bench("machine.loadavg1.end", StreamBench.loadAverage(), "");
    }
}
