package org.tcplab.server.system;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ServerWebExchange;

/**
 * Every failure of a controller, or of dispatching to one (no route, wrong method, unreadable body,
 * {@code @Valid} refusals), as the problem {@link Problems} makes of it. Spring's own exceptions
 * describe themselves ({@link org.springframework.web.ErrorResponse}); ours carry a
 * {@link ProblemType}; anything else is the server's fault and answers 500 with only a request id.
 */
@RestControllerAdvice
// Ahead of Boot's own problem-details advice (spring.webflux.problemdetails.enabled), which would
// answer Spring's exceptions first and without code, field or request id.
@Order(Ordered.HIGHEST_PRECEDENCE)
class ProblemDetailsAdvice {

    private final Problems problems;

    ProblemDetailsAdvice(Problems problems) {
        this.problems = problems;
    }

    @ExceptionHandler(Throwable.class)
    ResponseEntity<ProblemDetail> any(Throwable e, ServerWebExchange exchange) {
        return problems.respond(e, exchange);
    }
}
