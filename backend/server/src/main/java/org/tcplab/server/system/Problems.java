package org.tcplab.server.system;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.tcp.TcpUserException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns any failure of a request into one RFC 9457 problem: {@code type}
 * ({@code urn:tcplab:problem:<code>}), {@code title}, {@code status}, {@code detail}, {@code code},
 * {@code requestId}, and for bad input {@code field} (the JSON path) with
 * {@code errors:[{field,message}]}; 429s carry {@code Retry-After}. The one mapping behind the
 * controllers' advice, the request filters and the last-resort handler, so no answer is a bare 500
 * or a stack trace: a 5xx says only its request id, and the log has the rest under that id.
 */
@Component
public class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    private final LabMetrics metrics;
    private final JsonMapper json;

    Problems(LabMetrics metrics, JsonMapper json) {
        this.metrics = metrics;
        this.json = json;
    }

    /** A problem ready to send. */
    public record Problem(ProblemType type, ProblemDetail body, HttpHeaders headers) {}

    /** The answer to a failed request, counted, and logged with its request id when it is the server's fault. */
    public ResponseEntity<ProblemDetail> respond(Throwable ex, ServerWebExchange exchange) {
        Problem p = describe(ex, exchange);
        record(p, ex, exchange);
        return ResponseEntity.status(p.body().getStatus())
                .headers(p.headers())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p.body());
    }

    /** Writes the problem straight to the response: for filters and failures outside any controller. */
    public Mono<Void> write(ServerWebExchange exchange, Throwable ex) {
        Problem p = describe(ex, exchange);
        record(p, ex, exchange);
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatusCode.valueOf(p.body().getStatus()));
        response.getHeaders().addAll(p.headers());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        byte[] body = json.writeValueAsBytes(p.body());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private void record(Problem p, Throwable ex, ServerWebExchange exchange) {
        int status = p.body().getStatus();
        metrics.rejected(status);
        // A refusal the server chose (503 full, busy, tap unavailable) is no fault; only a 500 is.
        if (p.type() == ProblemType.INTERNAL_ERROR) {
            log.error(
                    "request {} {} {} failed with {}",
                    exchange.getRequest().getId(),
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath().value(),
                    status,
                    ex);
        } else if (log.isDebugEnabled()) {
            log.debug(
                    "request {} refused: {}",
                    exchange.getRequest().getId(),
                    p.body().getDetail());
        }
    }

    /** The problem for {@code ex}; nothing is counted or logged. */
    public Problem describe(Throwable ex, ServerWebExchange exchange) {
        Draft d = classify(ex, exchange.getRequest().getId());
        ProblemDetail pd = ProblemDetail.forStatus(d.status);
        pd.setType(d.type.uri());
        pd.setTitle(d.status.value() == d.type.status().value() ? d.type.title() : null);
        pd.setDetail(d.detail);
        instance(exchange).ifPresent(pd::setInstance);
        pd.setProperty("code", d.type.code());
        pd.setProperty("requestId", exchange.getRequest().getId());
        if (!d.errors.isEmpty()) {
            pd.setProperty("field", d.errors.get(0).get("field"));
            pd.setProperty("errors", d.errors);
        }
        if (d.retryAfter != null) {
            d.headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds(d.retryAfter)));
        }
        return new Problem(d.type, pd, d.headers);
    }

    /** Whole seconds, rounded up and at least 1 (RFC 9110 §10.2.3: delay-seconds). */
    public static long retryAfterSeconds(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return Math.max(1, (ms + 999) / 1000);
    }

    private static java.util.Optional<URI> instance(ServerWebExchange exchange) {
        try {
            return java.util.Optional.of(
                    URI.create(exchange.getRequest().getPath().value()));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }

    /** What a failure means, before it is dressed as a problem. */
    private static final class Draft {
        ProblemType type;
        HttpStatusCode status;
        String detail;
        final List<Map<String, String>> errors = new ArrayList<>();
        final HttpHeaders headers = new HttpHeaders();
        Duration retryAfter;

        Draft(ProblemType type, String detail) {
            this.type = type;
            this.status = type.status();
            this.detail = detail;
        }

        Draft field(String field, String message) {
            errors.add(error(field, message));
            return this;
        }
    }

    private static Draft classify(Throwable ex, String requestId) {
        if (ex instanceof LabProblem p) {
            if (p.field() != null) {
                return new Draft(p.type(), p.field() + ": " + p.getMessage()).field(p.field(), p.getMessage());
            }
            Draft d = new Draft(p.type(), p.getMessage());
            d.retryAfter = p.retryAfter();
            return d;
        }
        if (ex instanceof TcpUserException) {
            return new Draft(ProblemType.TCP_STATE, ex.getMessage());
        }
        if (ex instanceof InvalidArgumentException bad) {
            // The engine's own checks (a command's fields), which name the field they refuse.
            return new Draft(ProblemType.INVALID_FIELD, bad.field() + ": " + bad.getMessage())
                    .field(bad.field(), bad.getMessage());
        }
        if (ex instanceof WebExchangeBindException bind) {
            return bindProblem(bind);
        }
        if (find(ex, DataBufferLimitException.class) != null) {
            return new Draft(
                    ProblemType.BODY_TOO_LARGE,
                    "the request body is larger than this server accepts (tcplab.max-request-bytes); send less");
        }
        JacksonException je = find(ex, JacksonException.class);
        if (je != null) {
            return jsonProblem(je);
        }
        if (ex instanceof ServerWebInputException in) {
            return inputProblem(in);
        }
        if (ex instanceof ErrorResponse er) {
            // Spring's own refusals (404 no route, 405, 406, 415, ...): their status, detail and headers.
            Draft d = new Draft(
                    ProblemType.forStatus(er.getStatusCode().value()),
                    er.getBody().getDetail());
            d.status = er.getStatusCode();
            d.headers.addAll(er.getHeaders());
            if (d.status.is5xxServerError()) d.detail = internalDetail(requestId);
            return d;
        }
        return new Draft(ProblemType.INTERNAL_ERROR, internalDetail(requestId));
    }

    private static String internalDetail(String requestId) {
        return "the server failed on this request (its fault, not yours); the log has it as request " + requestId;
    }

    private static Draft bindProblem(WebExchangeBindException bind) {
        Draft d = new Draft(ProblemType.INVALID_FIELD, "invalid request");
        for (FieldError fe : bind.getFieldErrors()) {
            d.field(fe.getField(), fe.getDefaultMessage());
        }
        if (!d.errors.isEmpty()) {
            Map<String, String> first = d.errors.get(0);
            d.detail = first.get("field") + ": " + first.get("message");
        }
        return d;
    }

    private static Draft inputProblem(ServerWebInputException in) {
        MethodParameter mp = in.getMethodParameter();
        if (mp != null && mp.hasParameterAnnotation(RequestBody.class)) {
            return new Draft(ProblemType.MALFORMED_BODY, "this request needs a JSON object as its body");
        }
        String name = mp == null ? null : parameterName(mp);
        if (name != null) {
            String message =
                    "invalid value in the " + (mp.hasParameterAnnotation(PathVariable.class) ? "path" : "query");
            return new Draft(ProblemType.INVALID_FIELD, name + ": " + message).field(name, message);
        }
        return new Draft(ProblemType.MALFORMED_BODY, in.getReason() == null ? "unreadable request" : in.getReason());
    }

    private static String parameterName(MethodParameter mp) {
        PathVariable pv = mp.getParameterAnnotation(PathVariable.class);
        if (pv != null) return pv.value().isEmpty() ? mp.getParameterName() : pv.value();
        RequestParam rp = mp.getParameterAnnotation(RequestParam.class);
        if (rp != null) return rp.value().isEmpty() ? mp.getParameterName() : rp.value();
        return null;
    }

    /** Every way Jackson refuses a body, each named: the field from Jackson's path where there is one. */
    private static Draft jsonProblem(JacksonException je) {
        String field = path(je);
        if (je instanceof StreamConstraintsException) {
            return new Draft(
                    ProblemType.BODY_TOO_COMPLEX,
                    "the body is more complex than any lab request ("
                            + firstLine(je.getOriginalMessage()).replaceAll(",? from `[^`]*`", "")
                            + "): nest at most " + RequestJson.MAX_NESTING_DEPTH + " levels, numbers at most "
                            + RequestJson.MAX_NUMBER_LENGTH + " characters");
        }
        if (je instanceof BoundedStringDeserializer.StringTooLongException tooLong) {
            String message = "at most " + tooLong.max() + " characters (tcplab.max-string-length); shorten it";
            return new Draft(ProblemType.STRING_TOO_LONG, field + ": " + message).field(field, message);
        }
        if (je instanceof UnrecognizedPropertyException u) {
            String message = "unknown field (known: " + u.getKnownPropertyIds() + ")";
            return new Draft(ProblemType.UNKNOWN_FIELD, field + ": " + message).field(field, message);
        }
        String message = null;
        if (je instanceof InputCoercionException ice) {
            message = "out of range for " + kind(ice.getTargetType());
        } else if (je instanceof StreamReadException) {
            String where = field.isEmpty() ? "" : " (at " + field + ")";
            return new Draft(
                    ProblemType.MALFORMED_BODY,
                    "the body is not valid JSON" + where + ": " + firstLine(je.getOriginalMessage()));
        } else if (je instanceof InvalidNullException) {
            message = "must not be null";
        } else if (je instanceof MismatchedInputException mi) {
            message = "must be " + kind(mi.getTargetType());
        }
        if (field.isEmpty()) {
            return new Draft(ProblemType.MALFORMED_BODY, "the body must be a JSON object");
        }
        if (message == null) message = "invalid value (" + firstLine(je.getOriginalMessage()) + ")";
        return new Draft(ProblemType.INVALID_FIELD, field + ": " + message).field(field, message);
    }

    /** What a JSON value of type {@code t} looks like, in the words of the API's documentation. */
    private static String kind(Class<?> t) {
        if (t == null) return "a value of another type";
        if (t == Integer.class || t == int.class || t == Long.class || t == long.class || t == Short.class) {
            return "a whole number";
        }
        if (t == Double.class || t == double.class || t == Float.class || t == float.class) return "a number";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (t.isArray() || Collection.class.isAssignableFrom(t)) return "an array";
        return "an object";
    }

    static Map<String, String> error(String field, String message) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("field", field);
        m.put("message", message);
        return m;
    }

    /** Jackson's path as the API spells it: {@code segment.options[0].kind}. */
    static String path(JacksonException je) {
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
