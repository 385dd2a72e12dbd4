package org.tcplab.server.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.tcp.TcpUserException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

/**
 * Every refusal as RFC 9457 problem details: {@code title}, {@code status}, {@code detail}, and for
 * bad input {@code field} (the JSON path) plus {@code errors:[{field,message}]}.
 */
@RestControllerAdvice
class ProblemDetailsAdvice extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemDetailsAdvice.class);

    private final LabMetrics metrics;

    ProblemDetailsAdvice(LabMetrics metrics) {
        this.metrics = metrics;
    }

    @ExceptionHandler(LabProblem.class)
    ResponseEntity<ProblemDetail> labProblem(LabProblem e) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(e.status(), e.getMessage());
        pd.setTitle(e.title());
        if (e.field() != null) {
            pd.setProperty("field", e.field());
            pd.setProperty("errors", List.of(error(e.field(), e.getMessage())));
        }
        ResponseEntity<ProblemDetail> answer = respond(pd);
        if (e.retryAfterSeconds() != null) {
            return ResponseEntity.status(answer.getStatusCode())
                    .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                    .body(pd);
        }
        return answer;
    }

    /** The engine refuses a user call in this state (RFC 9293 §3.10 wording): 409. */
    @ExceptionHandler(TcpUserException.class)
    ResponseEntity<ProblemDetail> tcpUser(TcpUserException e) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        pd.setTitle("Conflict");
        return respond(pd);
    }

    /** Input the engine refuses, naming the field (its own checks the request layer did not anticipate): 400. */
    @ExceptionHandler(InvalidArgumentException.class)
    ResponseEntity<ProblemDetail> invalidArgument(InvalidArgumentException e) {
        return labProblem(LabProblem.badInput(e.field(), e.getMessage()));
    }

    /** Any other IllegalArgumentException is a bug on our side, not the caller's input: 500, logged. */
    @ExceptionHandler(IllegalArgumentException.class)
    ResponseEntity<ProblemDetail> illegalArgument(IllegalArgumentException e) {
        LOG.error("unexpected IllegalArgumentException answered with 500", e);
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "the server failed on this request; it has been logged");
        pd.setTitle("Internal server error");
        return respond(pd);
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(
            WebExchangeBindException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        List<Map<String, String>> errors = new ArrayList<>();
        for (FieldError fe : ex.getFieldErrors()) {
            errors.add(error(fe.getField(), fe.getDefaultMessage()));
        }
        ProblemDetail pd = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        pd.setTitle("Bad request");
        if (errors.isEmpty()) {
            pd.setDetail("invalid request");
        } else {
            Map<String, String> first = errors.get(0);
            pd.setDetail(first.get("field") + ": " + first.get("message"));
            pd.setProperty("field", first.get("field"));
            pd.setProperty("errors", errors);
        }
        metrics.rejected(400);
        return Mono.just(ResponseEntity.badRequest()
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd));
    }

    /** Unreadable JSON or a value of the wrong type: name the field from Jackson's path. */
    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(
            ServerWebInputException ex, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        ProblemDetail pd = ProblemDetail.forStatus(HttpStatus.BAD_REQUEST);
        pd.setTitle("Bad request");
        JacksonException je = find(ex, JacksonException.class);
        String field = je == null ? null : path(je);
        if (field != null && !field.isEmpty()) {
            pd.setDetail(field + ": invalid value (" + firstLine(je.getOriginalMessage()) + ")");
            pd.setProperty("field", field);
            pd.setProperty("errors", List.of(error(field, "invalid value")));
        } else {
            pd.setDetail(ex.getReason() == null ? "unreadable request" : ex.getReason());
        }
        metrics.rejected(400);
        return Mono.just(ResponseEntity.badRequest()
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
        metrics.rejected(status.value());
        return super.handleExceptionInternal(ex, body, headers, status, exchange);
    }

    private ResponseEntity<ProblemDetail> respond(ProblemDetail pd) {
        metrics.rejected(pd.getStatus());
        return ResponseEntity.status(pd.getStatus())
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(pd);
    }

    static Map<String, String> error(String field, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("field", field);
        m.put("message", message);
        return m;
    }

    private static String path(JacksonException je) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : je.getPath()) {
            if (r.getPropertyName() != null) {
                if (sb.length() > 0) sb.append('.');
                sb.append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
            if (c.getCause() == c) break;
        }
        return null;
    }
}
