package org.tcplab.server.system;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Headers every answer carries: no MIME sniffing, no referrer (a driver's page and the requests it
 * makes hold a lab's token; the token itself travels in the URL fragment, which no Referer carries,
 * but nothing about a lab needs to leave with a link either). Pages (HTML) also get a
 * Content-Security-Policy: the app's scripts and styles come from this origin only, its WebSocket
 * and REST calls go to this origin only, and no other site may frame the driver page (clickjacking).
 * Every 429 says when to come back, whichever limiter answered it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SecurityHeadersFilter implements WebFilter {

    /**
     * Checked in Chromium (PageSecurityE2ETest reports every violation): scripts and style sheets
     * are files of this origin; the drawn SVG carries {@code style} attributes, so those (only
     * those, not {@code <style>} elements: CSP 3 {@code style-src-attr}) may be inline; the PNG
     * export draws the SVG through a data: or blob: image.
     */
    static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self';"
            + " style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self';"
            + " object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders headers = response.getHeaders();
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        response.beforeCommit(() -> {
            MediaType type = headers.getContentType();
            if (type != null && MediaType.TEXT_HTML.isCompatibleWith(type)) {
                headers.set("Content-Security-Policy", PAGE_POLICY);
                headers.set("X-Frame-Options", "SAMEORIGIN");
            }
            if (HttpStatus.TOO_MANY_REQUESTS.equals(response.getStatusCode())
                    && !headers.containsHeader(HttpHeaders.RETRY_AFTER)) {
                // Every limiter of ours names its own wait; this covers any other 429 (RFC 6585 §4).
                headers.set(HttpHeaders.RETRY_AFTER, "1");
            }
            return Mono.empty();
        });
        return chain.filter(exchange);
    }
}
