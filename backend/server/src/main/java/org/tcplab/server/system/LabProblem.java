package org.tcplab.server.system;

import org.springframework.http.HttpStatus;

/**
 * A refusal with its HTTP status and, for bad input, the JSON path of the offending field.
 * Thrown before anything changes, so a rejected request leaves the lab as it was.
 */
public class LabProblem extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final String field;
    private Long retryAfterSeconds;

    public LabProblem(HttpStatus status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static LabProblem badInput(String field, String detail) {
        return new LabProblem(HttpStatus.BAD_REQUEST, "Bad request", detail, field);
    }

    public static LabProblem notFound(String detail) {
        return new LabProblem(HttpStatus.NOT_FOUND, "Not found", detail, null);
    }

    public static LabProblem conflict(String detail) {
        return new LabProblem(HttpStatus.CONFLICT, "Conflict", detail, null);
    }

    public static LabProblem unauthorized(String detail) {
        return new LabProblem(HttpStatus.UNAUTHORIZED, "Unauthorized", detail, null);
    }

    public static LabProblem forbidden(String detail) {
        return new LabProblem(HttpStatus.FORBIDDEN, "Forbidden", detail, null);
    }

    public static LabProblem tooMany(String detail) {
        return new LabProblem(HttpStatus.TOO_MANY_REQUESTS, "Too many requests", detail, null);
    }

    public static LabProblem unavailable(String detail) {
        return new LabProblem(HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable", detail, null);
    }

    /** 503 for a lab whose earlier work keeps it busy; the answer says when to retry. */
    public static LabProblem busy(String detail, long retryAfterSeconds) {
        LabProblem p = new LabProblem(HttpStatus.SERVICE_UNAVAILABLE, "Lab busy", detail, null);
        p.retryAfterSeconds = retryAfterSeconds;
        return p;
    }

    /** Seconds for a {@code Retry-After} header, or null. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
