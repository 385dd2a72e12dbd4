package org.tcplab.server.system;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.server.RequestUpgradeStrategy;
import org.springframework.web.reactive.socket.server.support.HandshakeWebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The WebSocket handshake, refusing browsers from a foreign {@code Origin} (403): browsers send
 * Origin on every handshake, and WebFlux's WebSocket mapping checks none (cross-site WebSocket
 * hijacking). The check sits in the handshake of whatever handler the request was routed to, so it
 * holds for every spelling of the path that routing accepts ({@code .../events/%73tream} once slipped
 * past a filter that compared the raw path). Clients without an Origin (scripts, not browsers) pass.
 */
class OriginCheckingWebSocketService extends HandshakeWebSocketService {

    private final CorsConfiguration listed;

    OriginCheckingWebSocketService(RequestUpgradeStrategy upgrade, List<String> allowedOrigins) {
        super(upgrade);
        if (allowedOrigins.isEmpty()) {
            this.listed = null;
        } else {
            // Spring's own origin matching: exact origins, "*", or patterns like https://*.school.example.
            this.listed = new CorsConfiguration();
            this.listed.setAllowedOriginPatterns(allowedOrigins);
        }
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        String origin = exchange.getRequest().getHeaders().getOrigin();
        if (origin != null && !allowed(origin, exchange.getRequest().getURI())) {
            return Mono.error(LabProblem.of(
                    ProblemType.ORIGIN_FORBIDDEN,
                    "origin " + origin + " may not open viewers here; the server's operator can allow it"
                            + " with tcplab.allowed-origins"));
        }
        return super.handleRequest(exchange, handler);
    }

    /** Listed origins, or with none listed the request's own host and port. */
    boolean allowed(String origin, URI request) {
        if (listed != null) {
            return listed.checkOrigin(origin) != null;
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
}
