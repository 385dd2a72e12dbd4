package org.tcplab.server.quiz;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.tcplab.server.support.LabClient;
import org.tcplab.server.support.LabClient.Created;
import org.tcplab.server.support.MutableClock;
import org.tcplab.server.support.MutableClockConfig;

/** The "Class mode" section of lab-api.md, end to end over HTTP, with its limits. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "tcplab.quiz.answers-per-client-per-minute=12",
            "tcplab.quiz.max-answers-per-question=5",
            "tcplab.quiz.max-names-per-lab=7",
            "tcplab.quiz.max-name-length=10"
        })
@AutoConfigureWebTestClient
@Import(MutableClockConfig.class)
class QuizApiTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    @Autowired
    WebTestClient web;

    @Autowired
    MutableClock clock;

    LabClient api;
    Created lab;

    @BeforeEach
    void setUp() {
        clock.advance(Duration.ofMinutes(5)); // a fresh answer window for every test
        api = new LabClient(web);
        lab = api.create(Map.of("seed", 3));
        api.post(lab, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
    }

    private Map<String, Object> get(String path) {
        return web.get()
                .uri("/api/labs/" + lab.id() + path)
                .headers(h -> h.setBearerAuth(lab.token()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private WebTestClient.ResponseSpec answer(int q, String name, String from, List<String> flags, Long seq, Long ack) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("from", from);
        body.put("flags", flags);
        if (seq != null) body.put("seq", seq);
        if (ack != null) body.put("ack", ack);
        return web.post()
                .uri("/api/labs/" + lab.id() + "/quiz/questions/" + q + "/answers")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    private void enable() {
        api.post(lab, "/quiz", Map.of("enabled", true))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.enabled")
                .isEqualTo(true);
    }

    private void connect() {
        api.post(lab, "/connections", Map.of("localPort", 40000, "remotePort", 80, "isn", 1000, "peerIsn", 5000))
                .expectStatus()
                .isCreated();
    }

    private Map<String, Object> reveal(int q) {
        return api.post(lab, "/quiz/questions/" + q + "/reveal", Map.of())
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private List<String> types() {
        return api.events(lab, 0).stream().map(e -> (String) e.get("type")).toList();
    }

    @Test
    void theHandshakeAsThreeQuestionsWithEveryCorrectnessRule() {
        assertThat(get("/quiz")).containsEntry("enabled", false).containsEntry("question", null);
        enable();
        connect();

        Map<String, Object> status = get("/quiz");
        assertThat(status).containsEntry("enabled", true);
        assertThat((Map<String, Object>) status.get("question"))
                .containsEntry("id", 1)
                .containsEntry("open", true)
                .containsEntry("answers", 0);
        assertThat(types()).contains("quiz.question").doesNotContain("segment.sent");

        answer(1, "Ada", "client", List.of("SYN"), 1000L, null)
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.id")
                .isEqualTo(1);
        answer(1, "Bob", "server", List.of("SYN"), null, null).expectStatus().isCreated();
        answer(1, "Cy", "client", List.of("SYN", "ACK"), null, 1L)
                .expectStatus()
                .isCreated();
        answer(1, "Di", "client", List.of("SYN", "PSH"), null, null)
                .expectStatus()
                .isCreated(); // PSH aside
        answer(1, " ada ", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("already-answered");
        web.get()
                .uri("/api/labs/" + lab.id() + "/quiz/questions/1")
                .exchange()
                .expectBody()
                .jsonPath("$.open")
                .isEqualTo(true)
                .jsonPath("$.answers")
                .isEqualTo(4)
                .jsonPath("$.expected")
                .doesNotExist();
        Map<String, Object> histogram = get("/quiz/questions/1/histogram");
        assertThat(histogram.get("from")).isEqualTo(Map.of("client", 3, "server", 1));
        assertThat(histogram.get("seq")).isEqualTo(Map.of("right", 1, "wrong", 0, "blank", 3));
        assertThat(histogram.get("ack")).isEqualTo(Map.of("right", 0, "wrong", 1, "blank", 3));

        Map<String, Object> revealed = reveal(1);
        assertThat(revealed)
                .containsEntry("open", false)
                .containsEntry("correct", 2)
                .containsEntry("total", 4);
        assertThat((Map<String, Object>) revealed.get("expected"))
                .containsEntry("from", "client")
                .containsEntry("flags", List.of("SYN"))
                .containsEntry("seq", 1000)
                .containsEntry("ack", null);
        List<Map<String, Object>> answers = (List<Map<String, Object>>) revealed.get("answers");
        assertThat(answers)
                .extracting(a -> a.get("name") + ":" + a.get("correct") + ":" + a.get("wrong"))
                .containsExactly("Ada:true:[]", "Bob:false:[from]", "Cy:false:[flags, ack]", "Di:true:[]");

        // Answers close with the reveal; the instant clock ran on to the SYN-ACK, question 2.
        answer(1, "Eve", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("question-closed");
        List<Map<String, Object>> events = api.events(lab, 0);
        Map<String, Object> revealEvent = events.stream()
                .filter(e -> "quiz.revealed".equals(e.get("type")))
                .findFirst()
                .orElseThrow();
        assertThat(revealEvent)
                .containsEntry("question", 1)
                .containsEntry("correct", 2)
                .containsEntry("total", 4);
        assertThat(types()).containsSubsequence("quiz.question", "quiz.revealed", "segment.sent", "quiz.question");

        answer(2, "Ada", "server", List.of("SYN", "ACK"), 5000L, 1001L)
                .expectStatus()
                .isCreated();
        answer(2, "Bob", "server", List.of("SYN", "ACK"), 5000L, 1000L)
                .expectStatus()
                .isCreated();
        Map<String, Object> q2 = reveal(2);
        assertThat((Map<String, Object>) q2.get("expected"))
                .containsEntry("flags", List.of("ACK", "SYN"))
                .containsEntry("ack", 1001);
        assertThat(q2).containsEntry("correct", 1);
        // One student's view of a revealed question.
        web.get()
                .uri("/api/labs/" + lab.id() + "/quiz/questions/2?name=bob")
                .exchange()
                .expectBody()
                .jsonPath("$.answers.length()")
                .isEqualTo(1)
                .jsonPath("$.answers[0].wrong[0]")
                .isEqualTo("ack");

        reveal(3); // the client's ACK
        Map<String, Object> summary = get("/quiz/summary");
        List<Map<String, Object>> students = (List<Map<String, Object>>) summary.get("students");
        assertThat(students)
                .extracting(s -> s.get("name") + ":" + s.get("answered") + ":" + s.get("correct"))
                .containsExactly("Ada:2:2", "Bob:2:0", "Cy:1:0", "Di:1:1");
        List<Map<String, Object>> questions = (List<Map<String, Object>>) summary.get("questions");
        assertThat(questions.get(0)).containsEntry("share", 0.5);

        String csv = web.get()
                .uri("/api/labs/" + lab.id() + "/quiz/summary.csv")
                .headers(h -> h.setBearerAuth(lab.token()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith("text/csv")
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(csv.split("\r\n"))
                .startsWith("name,answered,correct,q1,q2,q3", "Ada,2,2,1,1,", "Bob,2,0,0,0,")
                .endsWith("share correct,,,0.50,0.50,");
    }

    @Test
    void turningTheQuizOffRevealsTheOpenQuestionAndLetsTheLabRun() {
        enable();
        connect();
        answer(1, "Ada", "client", List.of("SYN"), null, null).expectStatus().isCreated();
        api.post(lab, "/quiz", Map.of("enabled", false)).expectStatus().isOk();
        assertThat(get("/quiz")).containsEntry("enabled", false);
        List<Map<String, Object>> conns =
                (List<Map<String, Object>>) api.snapshot(lab).get("connections");
        assertThat(conns.toString()).contains("ESTABLISHED");
        Map<String, Object> revealEvent = api.events(lab, 0).stream()
                .filter(e -> "quiz.revealed".equals(e.get("type")))
                .findFirst()
                .orElseThrow();
        assertThat(revealEvent).containsEntry("correct", 1).containsEntry("total", 1);
    }

    @Test
    void changesNeedTheTokenAnswersDoNot() {
        web.post()
                .uri("/api/labs/" + lab.id() + "/quiz")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("enabled", true))
                .exchange()
                .expectStatus()
                .isUnauthorized();
        web.post()
                .uri("/api/labs/" + lab.id() + "/quiz")
                .headers(h -> h.setBearerAuth("wrong"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("enabled", true))
                .exchange()
                .expectStatus()
                .isForbidden();
        enable();
        connect();
        web.post()
                .uri("/api/labs/" + lab.id() + "/quiz/questions/1/reveal")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        web.get()
                .uri("/api/labs/" + lab.id() + "/quiz/summary")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        web.get()
                .uri("/api/labs/" + lab.id() + "/quiz/questions/1/histogram")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        answer(1, "Ada", "client", List.of("SYN"), null, null).expectStatus().isCreated();
    }

    @Test
    void badAnswersAre400NamingTheFieldAndChangeNothing() {
        enable();
        connect();
        answer(1, "", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("name");
        answer(1, "Ada Lovelace Byron", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("name")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("tcplab.quiz.max-name-length"));
        answer(1, "A\u202eda", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isBadRequest();
        answer(1, "Ada", "router", List.of("SYN"), null, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("from");
        answer(1, "Ada", "client", List.of("SYNACK"), null, null).expectStatus().isBadRequest();
        answer(1, "Ada", "client", List.of("SYN"), 4294967296L, null)
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.field")
                .isEqualTo("seq");
        answer(9, "Ada", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("question-not-found");
        assertThat((Map<String, Object>) get("/quiz").get("question")).containsEntry("answers", 0);
        // A name is text: markup is kept as it was written, never interpreted.
        answer(1, "<b>x</b>", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isCreated();
        assertThat(reveal(1).get("answers").toString()).contains("<b>x</b>");
    }

    @Test
    void revealingAQuestionThatIsNotOpenIs409() {
        enable();
        connect();
        api.post(lab, "/quiz/questions/2/reveal", Map.of()).expectStatus().isNotFound();
        reveal(1);
        api.post(lab, "/quiz/questions/1/reveal", Map.of())
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("question-closed");
    }

    @Test
    void theAnswerRatePerClientTriggersSaysWhenAndRecovers() {
        enable();
        connect();
        for (int i = 0; i < 5; i++)
            answer(1, "s" + i, "client", List.of("SYN"), null, null)
                    .expectStatus()
                    .isCreated();
        reveal(1);
        for (int i = 0; i < 5; i++)
            answer(2, "s" + i, "server", List.of("SYN"), null, null)
                    .expectStatus()
                    .isCreated();
        answer(2, "s5", "server", List.of("SYN"), null, null).expectStatus().isEqualTo(409); // answers cap (5)
        answer(2, "s6", "server", List.of("SYN"), null, null).expectStatus().isEqualTo(409);
        answer(2, "s7", "server", List.of("SYN"), null, null)
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After")
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("tcplab.quiz.answers-per-client-per-minute"));
        clock.advance(Duration.ofSeconds(61));
        reveal(2);
        answer(3, "s0", "client", List.of("ACK"), null, null).expectStatus().isCreated();
    }

    @Test
    void theAnswersCapAndTheNamesCapTriggerAndRecover() {
        enable();
        connect();
        for (int i = 0; i < 5; i++)
            answer(1, "s" + i, "client", List.of("SYN"), null, null)
                    .expectStatus()
                    .isCreated();
        answer(1, "s5", "client", List.of("SYN"), null, null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("quiz-full")
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d).contains("tcplab.quiz.max-answers-per-question"));
        reveal(1);
        answer(2, "s5", "server", List.of("SYN", "ACK"), null, null)
                .expectStatus()
                .isCreated();
        answer(2, "s6", "server", List.of("SYN", "ACK"), null, null)
                .expectStatus()
                .isCreated();
        answer(2, "s7", "server", List.of("SYN", "ACK"), null, null)
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.detail")
                .value(d -> assertThat((String) d)
                        .contains("tcplab.quiz.max-names-per-lab")
                        .contains("DELETE /api/labs/" + lab.id() + "/quiz/answers"));
        answer(2, "s0", "server", List.of("SYN", "ACK"), null, null)
                .expectStatus()
                .isCreated(); // a known name

        web.delete()
                .uri("/api/labs/" + lab.id() + "/quiz/answers")
                .headers(h -> h.setBearerAuth(lab.token()))
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat((List<?>) get("/quiz/summary").get("students")).isEmpty();
        answer(2, "s7", "server", List.of("SYN", "ACK"), null, null)
                .expectStatus()
                .isCreated();
    }

    @Test
    void aQuizInOneLabLeavesAnotherAlone() {
        enable();
        connect();
        Created other = api.create(Map.of("seed", 4));
        api.post(other, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        api.post(other, "/connections", Map.of("localPort", 40000, "remotePort", 80))
                .expectStatus()
                .isCreated();
        assertThat(api.snapshot(other).get("connections").toString()).contains("ESTABLISHED");
        assertThat(api.events(other, 0).stream().map(e -> e.get("type"))).doesNotContain("quiz.question");
        web.get()
                .uri("/api/labs/" + other.id() + "/quiz/questions/1")
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void theStepClockStandsWhileASegmentIsHeld() {
        Created step = api.create(Map.of("seed", 3, "clock", "step"));
        api.post(step, "/listen", Map.of("host", "server", "port", 80))
                .expectStatus()
                .isCreated();
        api.post(step, "/quiz", Map.of("enabled", true)).expectStatus().isOk();
        api.post(step, "/connections", Map.of("localPort", 40000, "remotePort", 80))
                .expectStatus()
                .isCreated();
        api.post(step, "/advance", Map.of("ms", 5000))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.time")
                .isEqualTo(0.0)
                .jsonPath("$.nextEventTime")
                .doesNotExist();
        api.post(step, "/quiz/questions/1/reveal", Map.of()).expectStatus().isOk();
        api.post(step, "/advance", Map.of("ms", 5000)).expectStatus().isOk();
        assertThat(api.events(step, 0).stream().filter(e -> "quiz.question".equals(e.get("type"))))
                .hasSize(2);
    }
}
