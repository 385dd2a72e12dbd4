package org.tcplab.server.stream;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.LabMetrics;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.TcpLabProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * WebSocket {@code /api/labs/{lab}/events/stream?after=N}: the stored events after N, then live ones,
 * one JSON text frame each. Close codes: 4404 unknown lab, 4400 bad {@code after}, 4008 viewer too
 * slow (reconnect with the {@code after} in the reason), 1008 too many inbound frames, 1001 lab deleted.
 */
@Component
public class EventStreamHandler implements WebSocketHandler {

    public static final String PATH = "/api/labs/*/events/stream";
    static final int TOO_SLOW = 4008;
    private static final Pattern LAB = Pattern.compile("^/api/labs/([^/]+)/events/stream$");

    private final LabService labs;
    private final LabMetrics metrics;
    private final TcpLabProperties props;

    EventStreamHandler(LabService labs, LabMetrics metrics, TcpLabProperties props) {
        this.labs = labs;
        this.metrics = metrics;
        this.props = props;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        var uri = session.getHandshakeInfo().getUri();
        Matcher m = LAB.matcher(uri.getPath());
        if (!m.matches()) {
            return session.close(new CloseStatus(4404, "no such stream"));
        }
        String afterParam =
                UriComponentsBuilder.fromUri(uri).build().getQueryParams().getFirst("after");
        long after;
        try {
            after = afterParam == null ? 0 : Long.parseLong(afterParam);
            if (after < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            return session.close(new CloseStatus(4400, "after must be a number >= 0"));
        }
        Lab lab;
        try {
            lab = labs.get(m.group(1));
        } catch (LabProblem e) {
            return session.close(new CloseStatus(4404, "no such lab"));
        }
        long[] lastSent = {after};
        Flux<WebSocketMessage> out = lab.stream()
                .viewer(after, a -> lab.read(v -> v.eventsAfter(a)), props.getViewerBuffer())
                // The lab's thread only fills the viewer's queue; delivery runs elsewhere. No delayError:
                // a cut-off must not wait behind events the viewer is not reading.
                .publishOn(Schedulers.parallel(), false, 32)
                .doOnNext(e -> lastSent[0] = e.id())
                .map(e -> new WebSocketMessage(
                        WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(e.utf8())));
        // At most 32 frames in flight, each finished only when the socket took it (a multi-frame send
        // finishes once netty queued it): a viewer that stops reading stops pulling from its queue,
        // overflows it and is closed, where netty alone would buffer for it without bound.
        Mono<Void> send = out.subscribeOn(Schedulers.boundedElastic())
                .flatMapSequential(msg -> session.send(Mono.just(msg)), 32, 1)
                .then(Mono.defer(
                        () -> session.send(Mono.empty()).then(session.close(new CloseStatus(1001, "lab deleted")))))
                .onErrorResume(
                        ViewerTooSlowException.class,
                        e -> session.close(
                                new CloseStatus(TOO_SLOW, "viewer too slow; reconnect with after=" + lastSent[0])));
        Mono<Void> receive = inbound(session);
        // Counted on subscription and uncounted in doFinally of the same subscription, so a viewer
        // whose session ends before the pipeline runs is never counted at all (it once leaked one).
        return Mono.firstWithSignal(send, receive)
                .doOnSubscribe(sub -> {
                    lab.viewerOpened();
                    metrics.viewerOpened();
                })
                .doFinally(s -> {
                    lab.viewerClosed();
                    metrics.viewerClosed();
                });
    }

    /** Viewers have nothing to say; a flood of frames closes the viewer (frame size is capped at the handshake). */
    private Mono<Void> inbound(WebSocketSession session) {
        int perSecond = props.getMaxInboundFramesPerSecond();
        long[] window = {System.nanoTime(), 0};
        boolean[] closing = {false};
        // Keep reading while the close handshake runs: cancelling the inbound would drop the
        // connection before the 1008 reaches the viewer.
        return session.receive()
                .doOnNext(msg -> {
                    long now = System.nanoTime();
                    if (now - window[0] >= 1_000_000_000L) {
                        window[0] = now;
                        window[1] = 0;
                    }
                    if (++window[1] > perSecond && !closing[0]) {
                        closing[0] = true;
                        session.close(new CloseStatus(1008, "more than " + perSecond + " frames per second"))
                                .subscribe();
                    }
                })
                .then();
    }
}
