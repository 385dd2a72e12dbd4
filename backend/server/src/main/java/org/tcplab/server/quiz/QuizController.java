package org.tcplab.server.quiz;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.server.lab.LabHttp;
import org.tcplab.server.lab.LabService;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Class mode over REST (lab-api.md "Class mode"); the rules are {@link QuizService}'s. */
@RestController
@RequestMapping("/api/labs/{lab}/quiz")
@Tag(name = "quiz", description = "Class mode: students predict the next segment, the teacher reveals it")
class QuizController {

    private static final String AUTH = HttpHeaders.AUTHORIZATION;
    private static final String FLAG = "CWR|ECE|URG|ACK|PSH|RST|SYN|FIN";
    private final LabService labs;
    private final QuizService quiz;

    QuizController(LabService labs, QuizService quiz) {
        this.labs = labs;
        this.quiz = quiz;
    }

    @Schema(example = "{\"enabled\":true}")
    record Toggle(@NotNull Boolean enabled) {}

    @Schema(example = "{\"name\":\"Ada\",\"from\":\"server\",\"flags\":[\"SYN\",\"ACK\"],\"seq\":5000,\"ack\":1001}")
    record Answer(
            @NotNull String name,
            @NotNull @Pattern(regexp = "client|server", message = "must be client or server") String from,
            @NotNull @Size(max = 8)
                    List<@Pattern(regexp = FLAG, message = "must be one of CWR ECE URG ACK PSH RST SYN FIN") String>
                            flags,
            @Min(0) @Max(4294967295L) Long seq,
            @Min(0) @Max(4294967295L) Long ack) {}

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping
    @Operation(
            summary = "Turn class mode on or off (token)",
            description = "On: each segment our stack emits is held and opens a question; the lab's time stands"
                    + " until the reveal. Off: the open question is revealed and held segments go on.")
    Mono<Map<String, Object>> toggle(
            @PathVariable("lab") String id,
            @RequestHeader(value = AUTH, required = false) String auth,
            @Valid @RequestBody Toggle body) {
        return blocking(() -> quiz.enable(labs.authorized(id, auth), body.enabled()));
    }

    @GetMapping
    @Operation(summary = "Whether class mode is on, and the latest question")
    Mono<Map<String, Object>> status(@PathVariable("lab") String id) {
        return blocking(() -> quiz.status(labs.get(id)));
    }

    @PostMapping("/questions/{q}/answers")
    @Operation(
            summary = "A student's prediction (no token)",
            description = "201 {id}; 409 for a second answer by the same name or a revealed question; 429 past"
                    + " tcplab.quiz.answers-per-client-per-minute")
    Mono<ResponseEntity<Map<String, Object>>> answer(
            @PathVariable("lab") String id,
            @PathVariable("q") int q,
            @Valid @RequestBody Answer body,
            ServerHttpRequest request) {
        String client = LabHttp.clientAddress(request);
        return Mono.fromCallable(() -> {
            int answerId = quiz.answer(
                    labs.get(id),
                    q,
                    new QuizService.AnswerRequest(body.name(), body.from(), body.flags(), body.seq(), body.ack()),
                    client);
            return ResponseEntity.created(URI.create("/api/labs/" + id + "/quiz/questions/" + q))
                    .body(Map.<String, Object>of("id", answerId));
        });
    }

    @GetMapping("/questions/{q}")
    @Operation(
            summary = "One question",
            description = "Open: how many answered. Revealed: the segment's from/flags/seq/ack and every answer"
                    + " graded (with name=..., only that student's).")
    Mono<Map<String, Object>> question(
            @PathVariable("lab") String id,
            @PathVariable("q") int q,
            @RequestParam(value = "name", required = false) String name) {
        return Mono.fromCallable(() -> quiz.question(labs.get(id), q, name));
    }

    @GetMapping("/questions/{q}/histogram")
    @Operation(summary = "The teacher's live histogram of a question's answers (token)")
    Mono<Map<String, Object>> histogram(
            @PathVariable("lab") String id,
            @PathVariable("q") int q,
            @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() -> quiz.histogram(labs.authorized(id, auth), q));
    }

    @PostMapping("/questions/{q}/reveal")
    @Operation(summary = "Reveal a question (token): answers close, the held segment goes on")
    Mono<Map<String, Object>> reveal(
            @PathVariable("lab") String id,
            @PathVariable("q") int q,
            @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() -> quiz.reveal(labs.authorized(id, auth), q));
    }

    @GetMapping("/summary")
    @Operation(summary = "The class summary (token): per question the share correct, per student the score")
    Mono<ResponseEntity<Map<String, Object>>> summary(
            @PathVariable("lab") String id, @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() ->
                ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(quiz.summary(labs.authorized(id, auth))));
    }

    @GetMapping(value = "/summary.csv", produces = "text/csv")
    @Operation(summary = "The class summary as CSV (token)")
    Mono<ResponseEntity<byte[]>> summaryCsv(
            @PathVariable("lab") String id, @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() -> ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .contentType(new MediaType("text", "csv", StandardCharsets.UTF_8))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"quiz-" + id + ".csv\"")
                .body(quiz.summaryCsv(labs.authorized(id, auth)).getBytes(StandardCharsets.UTF_8)));
    }

    @DeleteMapping("/answers")
    @Operation(summary = "Forget the class's names and answers (token); the questions stay")
    Mono<ResponseEntity<Void>> forget(
            @PathVariable("lab") String id, @RequestHeader(value = AUTH, required = false) String auth) {
        return blocking(() -> {
            quiz.forget(labs.authorized(id, auth));
            return ResponseEntity.noContent().<Void>build();
        });
    }
}
