package org.tcplab.server.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.tcplab.engine.InvalidArgumentException;

/** Engine refusals: typed bad input is the caller's 400 naming the field; any other IllegalArgumentException is ours. */
class ProblemDetailsAdviceTest {

    private final ProblemDetailsAdvice advice = new ProblemDetailsAdvice(new LabMetrics(new SimpleMeterRegistry()));

    @Test
    void anInvalidArgumentIsA400NamingItsField() {
        ResponseEntity<ProblemDetail> r = advice.invalidArgument(
                new InvalidArgumentException("peerIsn", "peerIsn: the Linux kernel chooses its own ISN"));
        assertThat(r.getStatusCode().value()).isEqualTo(400);
        assertThat(r.getBody().getProperties()).containsEntry("field", "peerIsn");
        assertThat(r.getBody().getProperties().get("errors"))
                .isEqualTo(List.of(
                        Map.of("field", "peerIsn", "message", "peerIsn: the Linux kernel chooses its own ISN")));
        assertThat(r.getBody().getDetail()).isEqualTo("peerIsn: the Linux kernel chooses its own ISN");
    }

    @Test
    void anyOtherIllegalArgumentIsOurBugA500ThatDoesNotEchoIt() {
        ResponseEntity<ProblemDetail> r =
                advice.illegalArgument(new IllegalArgumentException("index -1 out of bounds"));
        assertThat(r.getStatusCode().value()).isEqualTo(500);
        assertThat(r.getBody().getDetail()).doesNotContain("index").contains("logged");
        Map<String, Object> properties = r.getBody().getProperties();
        assertThat(properties == null || !properties.containsKey("field")).isTrue();
    }
}
