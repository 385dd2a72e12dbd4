package org.tcplab.server.system;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import java.net.InetSocketAddress;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Every request's id ({@code requestId}, the id problem answers carry) and client address
 * ({@code client}) in the MDC of every log line the request causes, and one access-log line per
 * request (logger {@code tcplab.access}) when it ends.
 *
 * <p>WebFlux hops threads, so an MDC set here would be lost at once: the values travel in the
 * Reactor context, and Micrometer's context propagation ({@code spring.reactor.context-propagation=auto})
 * restores them as MDC entries on whatever thread runs the next step. Work queued on a lab's own
 * executor takes the submitting thread's MDC with it ({@code LabExecutor}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestLog implements WebFilter {

    public static final String REQUEST_ID = "requestId";
    public static final String CLIENT = "client";

    private static final Logger access = LoggerFactory.getLogger("tcplab.access");

    static {
        ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor(REQUEST_ID, CLIENT));
    }

    /**
     * The address the per-client limits count and the logs name: the socket's peer, or the client a
     * trusted proxy named (tcplab.trusted-proxies). An address given as text without a lookup
     * (Spring's {@code framework} strategy makes those) counts by its text, not as one shared "unknown".
     */
    public static String clientAddress(ServerHttpRequest request) {
        InetSocketAddress a = request.getRemoteAddress();
        if (a == null) return "unknown";
        return a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        Map<String, String> mdc = Map.of(REQUEST_ID, request.getId(), CLIENT, clientAddress(request));
        long start = System.nanoTime();
        Mono<Void> handled = chain.filter(exchange)
                .doFinally(signal -> logAccess(exchange, mdc, start, signal.toString()))
                .contextWrite(Context.of(Slf4jThreadLocalAccessor.KEY, mdc));
        return new WithMdcOnSubscribe(handled, mdc);
    }

    /**
     * Subscribes with this request's MDC on the subscribing thread: work the handler schedules while
     * it is subscribed (onto boundedElastic or a lab's executor) captures the thread's MDC at that
     * moment, which would otherwise be whatever the event loop's previous request left there.
     */
    private static final class WithMdcOnSubscribe extends reactor.core.publisher.MonoOperator<Void, Void> {
        private final Map<String, String> mdc;

        WithMdcOnSubscribe(Mono<Void> source, Map<String, String> mdc) {
            super(source);
            this.mdc = mdc;
        }

        @Override
        public void subscribe(reactor.core.CoreSubscriber<? super Void> actual) {
            Map<String, String> before = MDC.getCopyOfContextMap();
            mdc.forEach(MDC::put);
            try {
                source.subscribe(actual);
            } finally {
                if (before == null) MDC.clear();
                else MDC.setContextMap(before);
            }
        }
    }

    /**
     * The request's log context as the Reactor context carries it (null outside a request): work
     * that runs on another thread takes it from here, not from whatever that thread last held.
     */
    public static Map<String, String> mdcOf(reactor.util.context.ContextView context) {
        return context.getOrDefault(Slf4jThreadLocalAccessor.KEY, null);
    }

    /** Runs {@code work} with the request's log context in the MDC, and clears it afterwards. */
    public static <T> T withMdc(reactor.util.context.ContextView context, java.util.concurrent.Callable<T> work)
            throws Exception {
        Map<String, String> mdc = mdcOf(context);
        if (mdc == null) MDC.clear();
        else MDC.setContextMap(mdc);
        try {
            return work.call();
        } finally {
            MDC.clear();
        }
    }

    private static void logAccess(ServerWebExchange exchange, Map<String, String> mdc, long start, String signal) {
        // Health probes and metric scrapes every few seconds would bury the requests people make.
        boolean probe =
                exchange.getRequest().getPath().pathWithinApplication().value().startsWith("/actuator/");
        if (probe ? !access.isDebugEnabled() : !access.isInfoEnabled()) return;
        Map<String, String> before = MDC.getCopyOfContextMap();
        mdc.forEach(MDC::put);
        try {
            ServerHttpRequest r = exchange.getRequest();
            HttpStatusCode status = exchange.getResponse().getStatusCode();
            String query = r.getURI().getRawQuery();
            access.atLevel(probe ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO)
                    .log(
                            "{} {}{} {} {} ms{}",
                            r.getMethod(),
                            r.getPath().value(),
                            query == null ? "" : "?" + query,
                            status == null ? "-" : status.value(),
                            (System.nanoTime() - start) / 1_000_000,
                            signal.equals("onComplete") ? "" : " (" + signal + ")");
        } finally {
            if (before == null) MDC.clear();
            else MDC.setContextMap(before);
        }
    }
}
