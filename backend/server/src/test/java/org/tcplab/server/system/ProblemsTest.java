package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.tcp.TcpUserException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Engine refusals: typed bad input is the caller's 400 naming the field, a state the TCP stack
 * refuses is 409, and any other IllegalArgumentException is our bug, a 500 that does not echo it.
 */
class ProblemsTest {

    private final Problems problems = new Problems(
            new LabMetrics(new SimpleMeterRegistry()), JsonMapper.builder().build());
    private final MockServerWebExchange exchange =
            MockServerWebExchange.from(MockServerHttpRequest.post("/api/labs/x/inject"));

    @Test
    void anInvalidArgumentIsA400NamingItsField() {
        ProblemDetail p = problems.respond(
                        new InvalidArgumentException("peerIsn", "the Linux kernel chooses its own ISN"), exchange)
                .getBody();
        assertThat(p.getStatus()).isEqualTo(400);
        assertThat(p.getProperties())
                .containsEntry("field", "peerIsn")
                .containsEntry("code", ProblemType.INVALID_FIELD.code());
        assertThat(p.getProperties().get("errors"))
                .isEqualTo(List.of(Map.of("field", "peerIsn", "message", "the Linux kernel chooses its own ISN")));
        assertThat(p.getDetail()).isEqualTo("peerIsn: the Linux kernel chooses its own ISN");
    }

    @Test
    void aStateTheStackRefusesIsA409() {
        ProblemDetail p = problems.respond(new TcpUserException("connection does not exist"), exchange)
                .getBody();
        assertThat(p.getStatus()).isEqualTo(409);
        assertThat(p.getProperties()).containsEntry("code", ProblemType.TCP_STATE.code());
    }

    @Test
    void anyOtherIllegalArgumentIsOurBugA500ThatDoesNotEchoIt() {
        ProblemDetail p = problems.respond(new IllegalArgumentException("index -1 out of bounds"), exchange)
                .getBody();
        assertThat(p.getStatus()).isEqualTo(500);
        assertThat(p.getDetail()).doesNotContain("index").contains("request");
        assertThat(p.getProperties()).doesNotContainKey("field").containsKey("requestId");
    }

    /** A Chinese page says every refusal by its code (frontend/src/i18n/messages.ts), in both tables. */
    @Test
    void everyProblemCodeHasTheWordsAPageSaysItIn() throws Exception {
        String messages = Files.readString(Path.of("../../frontend/src/i18n/messages.ts"));
        List<String> missing = Arrays.stream(ProblemType.values())
                .map(t -> "\"problem.code." + t.code() + "\"")
                .filter(key -> messages.split(java.util.regex.Pattern.quote(key), -1).length - 1 != 2)
                .toList();
        assertThat(missing)
                .as("keys not in both the English and the Chinese table")
                .isEmpty();
    }
}
