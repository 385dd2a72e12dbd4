package org.tcplab.server.system;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refusals before any handler runs: request bodies over {@code tcplab.max-request-bytes} (413), and
 * WebSocket viewers from a foreign {@code Origin} (403; browsers send Origin on every WebSocket
 * handshake, and WebFlux's WebSocket mapping checks none: cross-site WebSocket hijacking).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestGuardFilter implements WebFilter {

    private final TcpLabProperties props;
    private final LabMetrics metrics;

    RequestGuardFilter(TcpLabProperties props, LabMetrics metrics) {
        this.props = props;
        this.metrics = metrics;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long length = request.getHeaders().getContentLength();
        String path = request.getPath().value();
        // A capture upload is a file, not a JSON request: it has its own, larger limit.
        boolean capture = path.equals("/api/captures");
        long limit = capture ? props.getMaxCaptureBytes() : props.getMaxRequestBytes();
        if (length > limit) {
            return refuse(
                    exchange,
                    HttpStatus.CONTENT_TOO_LARGE,
                    "Content too large",
                    (capture ? "capture file of " : "request body of ") + length + " bytes exceeds " + limit
                            + (capture
                                    ? " (tcplab.max-capture-bytes): capture less, e.g. tcpdump -i any -w hs.pcap port 80"
                                    : " (tcplab.max-request-bytes)"));
        }
        if (path.startsWith("/api/labs/") && path.endsWith("/events/stream")) {
            String origin = request.getHeaders().getOrigin();
            if (origin != null && !allowed(origin, request.getURI(), props.getAllowedOrigins())) {
                return refuse(
                        exchange,
                        HttpStatus.FORBIDDEN,
                        "Forbidden",
                        "origin " + origin + " may not open viewers here (tcplab.allowed-origins)");
            }
        }
        return chain.filter(exchange);
    }

    /** Listed origins, or with none listed the request's own scheme-independent host and port. */
    static boolean allowed(String origin, URI request, List<String> allowedOrigins) {
        if (!allowedOrigins.isEmpty()) {
            for (String a : allowedOrigins) {
                if (a.equals("*") || a.equalsIgnoreCase(origin)) return true;
            }
            return false;
        }
        try {
            URI o = URI.create(origin);
            if (o.getHost() == null || request.getHost() == null) return false;
            return o.getHost().equalsIgnoreCase(request.getHost()) && port(o) == port(request);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        String s = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        return s.equals("https") || s.equals("wss") ? 443 : 80;
    }

    private Mono<Void> refuse(ServerWebExchange exchange, HttpStatus status, String title, String detail) {
        metrics.rejected(status.value());
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.CONNECTION, "close");
        String body = "{\"title\":\"" + title + "\",\"status\":" + status.value() + ",\"detail\":\""
                + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        // Release whatever part of the refused body already arrived (netty buffers are reference-counted).
        Mono<Void> drain = exchange.getRequest()
                .getBody()
                .doOnNext(org.springframework.core.io.buffer.DataBufferUtils::release)
                .then()
                .timeout(java.time.Duration.ofSeconds(1), Mono.empty())
                .onErrorResume(e -> Mono.empty());
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))))
                .then(drain);
    }
}
