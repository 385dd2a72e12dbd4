package org.tcplab.server.system;

import java.net.URI;
import org.springframework.http.HttpStatus;

/**
 * Every kind of refusal the server answers, each with a stable RFC 9457 {@code type} URI
 * ({@code urn:tcplab:problem:<code>}) and the same {@code code} as a member of the problem, so a
 * client (or a later translation of {@code detail}) can tell them apart without reading the text.
 * The list is documented in README ("Problems"); add kinds freely, never rename one.
 */
public enum ProblemType {
    /** A field's value is refused: wrong type, out of range, not one of the allowed words, missing. */
    INVALID_FIELD("invalid-field", HttpStatus.BAD_REQUEST, "Invalid field"),
    /** A field this endpoint does not know (a misspelling would otherwise be silently ignored). */
    UNKNOWN_FIELD("unknown-field", HttpStatus.BAD_REQUEST, "Unknown field"),
    /** A string longer than {@code tcplab.max-string-length} (payloads: {@code tcplab.max-send-bytes}). */
    STRING_TOO_LONG("string-too-long", HttpStatus.BAD_REQUEST, "String too long"),
    /** An uploaded file that is not a pcap or pcapng capture, is damaged, or holds no TCP. */
    NOT_A_CAPTURE("not-a-capture", HttpStatus.BAD_REQUEST, "Not a usable capture"),
    /** Not JSON, cut off, empty where a body is needed, or not an object at the top. */
    MALFORMED_BODY("malformed-body", HttpStatus.BAD_REQUEST, "Malformed body"),
    /** Nested deeper, or with longer numbers or names, than any lab request needs. */
    BODY_TOO_COMPLEX("body-too-complex", HttpStatus.BAD_REQUEST, "Body too complex"),
    /** A change without {@code Authorization: Bearer <token>}. */
    TOKEN_MISSING("token-missing", HttpStatus.UNAUTHORIZED, "Token missing"),
    /** A change with a token that does not open this lab. */
    TOKEN_REJECTED("token-rejected", HttpStatus.FORBIDDEN, "Token rejected"),
    /** A WebSocket viewer from an origin not in {@code tcplab.allowed-origins}. */
    ORIGIN_FORBIDDEN("origin-forbidden", HttpStatus.FORBIDDEN, "Origin forbidden"),
    LAB_NOT_FOUND("lab-not-found", HttpStatus.NOT_FOUND, "Lab not found"),
    CONNECTION_NOT_FOUND("connection-not-found", HttpStatus.NOT_FOUND, "Connection not found"),
    FAULT_NOT_FOUND("fault-not-found", HttpStatus.NOT_FOUND, "Fault not found"),
    SCENARIO_NOT_FOUND("scenario-not-found", HttpStatus.NOT_FOUND, "Scenario not found"),
    /** No such path, or anything else not found. */
    NOT_FOUND("not-found", HttpStatus.NOT_FOUND, "Not found"),
    METHOD_NOT_ALLOWED("method-not-allowed", HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE("not-acceptable", HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    /** The lab reached a limit ({@code tcplab.max-events-per-lab}) and was stopped; create a new one. */
    LAB_STOPPED("lab-stopped", HttpStatus.CONFLICT, "Lab stopped"),
    /** The TCP stack refuses this user call in the connection's state (RFC 9293 §3.10 wording). */
    TCP_STATE("tcp-state", HttpStatus.CONFLICT, "Not in this TCP state"),
    /** The lab holds {@code tcplab.max-faults-per-lab} fault rules already. */
    TOO_MANY_FAULTS("too-many-faults", HttpStatus.CONFLICT, "Too many fault rules"),
    /** Class mode: no such question in this lab's quiz. */
    QUESTION_NOT_FOUND("question-not-found", HttpStatus.NOT_FOUND, "Question not found"),
    /** Class mode: this name already answered this question. */
    ALREADY_ANSWERED("already-answered", HttpStatus.CONFLICT, "Already answered"),
    /** Class mode: the question was revealed (or is no longer the open one); answers are closed. */
    QUESTION_CLOSED("question-closed", HttpStatus.CONFLICT, "Question closed"),
    /** Class mode: a question's answers or a lab's names reached {@code tcplab.quiz.*}'s cap. */
    QUIZ_FULL("quiz-full", HttpStatus.CONFLICT, "Quiz full"),
    /** Any change to a lab that only shows something (a capture's conversation): nothing in it can change. */
    LAB_READ_ONLY("lab-read-only", HttpStatus.CONFLICT, "Lab is read-only"),
    /** Another action the lab's current state forbids (clock, mode, scenario settings). */
    CONFLICT("conflict", HttpStatus.CONFLICT, "Conflict"),
    /** A body over {@code tcplab.max-request-bytes}. */
    BODY_TOO_LARGE("body-too-large", HttpStatus.CONTENT_TOO_LARGE, "Body too large"),
    /** A capture upload over {@code tcplab.max-capture-bytes}. */
    CAPTURE_TOO_LARGE("capture-too-large", HttpStatus.CONTENT_TOO_LARGE, "Capture too large"),
    /** One address created {@code tcplab.labs-per-client-per-minute} labs this minute. */
    RATE_LIMITED("rate-limited", HttpStatus.TOO_MANY_REQUESTS, "Rate limited"),
    /** {@code tcplab.max-tracked-clients} addresses are creating labs this minute already. */
    RATE_LIMITER_FULL("rate-limiter-full", HttpStatus.TOO_MANY_REQUESTS, "Too many clients"),
    /** {@code tcplab.max-labs} labs are alive. */
    SERVER_FULL("server-full", HttpStatus.SERVICE_UNAVAILABLE, "Server full"),
    /** This server cannot run the mode asked for (tap disabled, or missing what it needs). */
    MODE_UNAVAILABLE("mode-unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Mode unavailable"),
    /** The lab is busy with other work and did not become free in time; try again. */
    LAB_BUSY("lab-busy", HttpStatus.SERVICE_UNAVAILABLE, "Lab busy"),
    UNAVAILABLE("unavailable", HttpStatus.SERVICE_UNAVAILABLE, "Service unavailable"),
    /** A fault of the server, never of the request: the log has the {@code requestId}. */
    INTERNAL_ERROR("internal-error", HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");

    private static final String PREFIX = "urn:tcplab:problem:";

    private final String code;
    private final HttpStatus status;
    private final String title;

    ProblemType(String code, HttpStatus status, String title) {
        this.code = code;
        this.status = status;
        this.title = title;
    }

    public String code() {
        return code;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public URI uri() {
        return URI.create(PREFIX + code);
    }

    /** The generic kind for a status that no more specific kind names (framework refusals). */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> INVALID_FIELD;
            case 401 -> TOKEN_MISSING;
            case 403 -> TOKEN_REJECTED;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> BODY_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RATE_LIMITED;
            case 503 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR : INVALID_FIELD;
        };
    }
}
