package org.tcplab.server.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.tcplab.server.lab.LabCluster;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.ClusterMode;
import org.tcplab.server.system.RequestLog;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Cluster mode: a request that needs the running lab (every change, and the quiz, whose answers live
 * with the lab) reaching an instance that does not run it is forwarded to the instance that does
 * (its lease names it): same method, path, query, body and headers, the client's address added to
 * {@code X-Forwarded-For}. Reads (snapshot, events, capture, viewers) are served here from this
 * instance's follower copy of the lab. When the lab's instance does not answer, the request is
 * handled here after all: a follower refuses changes with 503 until the dead instance's lease lapses
 * and this instance takes the lab over.
 */
@Component
@Conditional(ClusterMode.On.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class ClusterForwarding implements WebFilter {

    /** Set on a forwarded request: it is never forwarded twice. */
    static final String FORWARDED_BY = "X-TcpLab-Forwarded-By";

    private static final Logger log = LoggerFactory.getLogger(ClusterForwarding.class);
    private static final Pattern LAB = Pattern.compile("^/api/labs/([^/]+)(/.*)?$");
    /** Hop-by-hop headers (RFC 9110 §7.6.1) and what the client computes again. */
    private static final Set<String> NOT_COPIED =
            Set.of("connection", "keep-alive", "transfer-encoding", "upgrade", "te", "trailer", "content-length");

    private final LabService labs;
    private final LabCluster.Instance self;
    private final WebClient web;

    ClusterForwarding(LabService labs, LabCluster.Instance self) {
        this.labs = labs;
        this.self = self;
        HttpClient http = HttpClient.create()
                .option(io.netty.channel.ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                .responseTimeout(Duration.ofSeconds(30));
        this.web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        Matcher m = LAB.matcher(request.getPath().pathWithinApplication().value());
        if (!m.matches() || !needsOwner(request.getMethod(), m.group(2))) {
            return chain.filter(exchange);
        }
        if (request.getHeaders().containsHeader(FORWARDED_BY) || labs.runsHere(m.group(1))) {
            return chain.filter(exchange);
        }
        String id = m.group(1);
        return labs.route(id)
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(owner -> owner.isEmpty()
                        ? chain.filter(exchange)
                        : forward(exchange, owner.get()).onErrorResume(WebClientRequestException.class, e -> {
                            // Its instance is gone: this instance's follower copy answers (503 until the
                            // lease lapses and this instance takes the lab over).
                            log.info("lab {}: its instance did not answer ({}); handled here", id, e.getMessage());
                            return labs.find(id)
                                    .onErrorResume(missing -> Mono.empty())
                                    .then(chain.filter(exchange));
                        }));
    }

    /** Changes, and the quiz (its answers are kept by the instance running the lab). */
    private static boolean needsOwner(HttpMethod method, String rest) {
        if ("/events/stream".equals(rest)) return false;
        if (rest != null && rest.startsWith("/quiz")) return true;
        return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method));
    }

    private Mono<Void> forward(ServerWebExchange exchange, LabCluster.Instance owner) {
        ServerHttpRequest request = exchange.getRequest();
        String query = request.getURI().getRawQuery();
        URI target = URI.create(
                owner.url() + request.getPath().pathWithinApplication().value() + (query == null ? "" : "?" + query));
        String client = RequestLog.clientAddress(request);
        ServerHttpResponse response = exchange.getResponse();
        return web.method(request.getMethod())
                .uri(target)
                .headers(h -> {
                    request.getHeaders().forEach((name, values) -> {
                        if (!NOT_COPIED.contains(name.toLowerCase(java.util.Locale.ROOT))) h.addAll(name, values);
                    });
                    List<String> chain = request.getHeaders().get("X-Forwarded-For");
                    h.set("X-Forwarded-For", chain == null ? client : String.join(", ", chain) + ", " + client);
                    h.set(FORWARDED_BY, self.id());
                })
                .body(BodyInserters.fromDataBuffers(request.getBody()))
                .exchangeToMono(answer -> {
                    response.setStatusCode(answer.statusCode());
                    answer.headers().asHttpHeaders().forEach((name, values) -> {
                        if (!NOT_COPIED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                            response.getHeaders().put(name, values);
                        }
                    });
                    return response.writeWith(answer.bodyToFlux(DataBuffer.class));
                });
    }
}
