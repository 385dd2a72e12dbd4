package org.tcplab.server.system;

import java.time.Duration;
import org.springframework.http.HttpStatus;

/**
 * A refusal: its {@link ProblemType} (status, stable {@code type} URI and {@code code}), a human
 * {@code detail}, for bad input the JSON path of the offending field, and for 429s how long to wait.
 * Thrown before anything changes, so a rejected request leaves the lab as it was.
 */
public class LabProblem extends RuntimeException {

    private final ProblemType type;
    private final String field;
    private final Duration retryAfter;

    public LabProblem(ProblemType type, String detail, String field, Duration retryAfter) {
        super(detail);
        this.type = type;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static LabProblem of(ProblemType type, String detail) {
        return new LabProblem(type, detail, null, null);
    }

    public static LabProblem badInput(String field, String detail) {
        return new LabProblem(ProblemType.INVALID_FIELD, detail, field, null);
    }

    public static LabProblem notFound(String detail) {
        return of(ProblemType.NOT_FOUND, detail);
    }

    public static LabProblem conflict(String detail) {
        return of(ProblemType.CONFLICT, detail);
    }

    public static LabProblem unauthorized(String detail) {
        return of(ProblemType.TOKEN_MISSING, detail);
    }

    public static LabProblem forbidden(String detail) {
        return of(ProblemType.TOKEN_REJECTED, detail);
    }

    /** 429: every one says when to come back ({@code Retry-After}, whole seconds, at least 1). */
    public static LabProblem tooMany(ProblemType type, String detail, Duration retryAfter) {
        return new LabProblem(type, detail, null, retryAfter);
    }

    public static LabProblem unavailable(String detail) {
        return of(ProblemType.UNAVAILABLE, detail);
    }

    public ProblemType type() {
        return type;
    }

    /** 503 for a lab whose earlier work keeps it busy; the answer says when to retry. */
    public static LabProblem busy(String detail, Duration retryAfter) {
        return new LabProblem(ProblemType.LAB_BUSY, detail, null, retryAfter);
    }

    public HttpStatus status() {
        return type.status();
    }

    public String title() {
        return type.title();
    }

    public String field() {
        return field;
    }

    /** How long a client should wait before trying again, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
