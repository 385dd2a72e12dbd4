package org.tcplab.server.system;

import java.time.Duration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses request bodies over {@code tcplab.max-request-bytes} (413) before any handler runs, by
 * their declared length; a body without one is cut off at the same size by the codecs' limit.
 * (WebSocket origins are checked in the handshake itself: {@link OriginCheckingWebSocketService}.)
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestGuardFilter implements WebFilter {

    private final TcpLabProperties props;
    private final Problems problems;

    RequestGuardFilter(TcpLabProperties props, Problems problems) {
        this.props = props;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > props.getMaxRequestBytes()) {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
            LabProblem tooLarge = LabProblem.of(
                    ProblemType.BODY_TOO_LARGE,
                    "request body of " + length + " bytes exceeds " + props.getMaxRequestBytes()
                            + " (tcplab.max-request-bytes); send less");
            // Release whatever part of the refused body already arrived (netty buffers are reference-counted).
            Mono<Void> drain = exchange.getRequest()
                    .getBody()
                    .doOnNext(DataBufferUtils::release)
                    .then()
                    .timeout(Duration.ofSeconds(1), Mono.empty())
                    .onErrorResume(e -> Mono.empty());
            return problems.write(exchange, tooLarge).then(drain);
        }
        return chain.filter(exchange);
    }
}
