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
 * their declared length; a body without one is cut off at the same size by the codecs' limit. A
 * capture upload ({@value #CAPTURE_UPLOAD}) is held to {@code tcplab.max-capture-bytes} instead
 * (without a declared length its controller reads at most that much).
 * (WebSocket origins are checked in the handshake itself: {@link OriginCheckingWebSocketService}.)
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter implements WebFilter {

    /** The one path whose body is a file ({@code tcplab.max-capture-bytes}) rather than JSON. */
    public static final String CAPTURE_UPLOAD = "/api/captures";

    private final TcpLabProperties props;
    private final Problems problems;

    RequestGuardFilter(TcpLabProperties props, Problems problems) {
        this.props = props;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        // A capture upload is a file, not a JSON request: it has its own, larger limit.
        boolean capture = CAPTURE_UPLOAD.equals(exchange.getRequest().getPath().value());
        long limit = capture ? props.getMaxCaptureBytes() : props.getMaxRequestBytes();
        if (length > limit) {
            exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
            LabProblem tooLarge = capture
                    ? captureTooLarge(length, limit)
                    : LabProblem.of(
                            ProblemType.BODY_TOO_LARGE,
                            "request body of " + length + " bytes exceeds " + limit
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

    /**
     * 413 for a capture over {@code tcplab.max-capture-bytes}, by its declared {@code length} here or,
     * without one (length -1), as the upload reads past the limit; says how to capture less.
     */
    public static LabProblem captureTooLarge(long length, long limit) {
        return new LabProblem(
                ProblemType.CAPTURE_TOO_LARGE,
                "the capture" + (length > 0 ? " of " + length + " bytes" : "") + " is larger than " + limit
                        + " bytes (tcplab.max-capture-bytes): capture less, e.g. only"
                        + " the connection you want (tcpdump -i any -w hs.pcap port 80), or cut it (editcap -c 10000"
                        + " big.pcapng small.pcapng)",
                "file",
                null);
    }
}
