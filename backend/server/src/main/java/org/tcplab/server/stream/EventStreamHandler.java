package org.tcplab.server.stream;

import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.util.UriComponentsBuilder;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.system.WallClock;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * WebSocket {@code /api/labs/{lab}/events/stream?after=N[&batch=1]}: the stored events after N, then
 * live ones, one JSON text frame each (with {@code batch=1}: each frame a JSON array of one or more
 * events, fewer frames for a viewer that is behind). Close codes: 4404 unknown lab, 4400 bad
 * {@code after}, 4008 viewer too slow (reconnect with the {@code after} in the reason), 4009 not
 * answering pings, 1013 too many viewers, 1008 too many inbound frames, 1001 lab deleted.
 */
@Component
public class EventStreamHandler implements WebSocketHandler {

    public static final String PATH = "/api/labs/*/events/stream";
    static final int TOO_SLOW = 4008;
    /** The end of the path: behind a proxy at a sub-path it starts with the forwarded prefix. */
    private static final Pattern LAB = Pattern.compile("/api/labs/([^/]+)/events/stream$");

    private final LabService labs;
    private final Viewers viewers;
    private final TcpLabProperties props;
    private final WallClock clock;

    EventStreamHandler(LabService labs, Viewers viewers, TcpLabProperties props, WallClock clock) {
        this.labs = labs;
        this.viewers = viewers;
        this.props = props;
        this.clock = clock;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        var uri = session.getHandshakeInfo().getUri();
        Matcher m = LAB.matcher(uri.getPath());
        if (!m.find()) {
            return session.close(new CloseStatus(4404, "no such stream"));
        }
        MultiValueMap<String, String> query =
                UriComponentsBuilder.fromUri(uri).build().getQueryParams();
        String afterParam = query.getFirst("after");
        long after;
        try {
            after = afterParam == null ? 0 : Long.parseLong(afterParam);
            if (after < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            return session.close(new CloseStatus(4400, "after must be a number >= 0"));
        }
        boolean batch = "1".equals(query.getFirst("batch")) || "true".equals(query.getFirst("batch"));
        long from = after;
        return labs.find(m.group(1))
                .flatMap(lab -> watch(session, lab, from, batch))
                .onErrorResume(LabProblem.class, e -> session.close(new CloseStatus(4404, "no such lab")));
    }

    private Mono<Void> watch(WebSocketSession session, Lab lab, long after, boolean batch) {
        CloseStatus refused = viewers.admit(lab);
        if (refused != null) {
            return session.close(refused);
        }
        StreamViewer viewer = new StreamViewer(lab.stream(), after, lab::events, batch, fallback());
        Viewers.Entry entry =
                viewers.watch(lab, viewer, status -> session.close(status).subscribe());
        // One send for the whole stream: the socket asks for frames only while it can write, so a
        // viewer that stops reading stops taking events, falls out of the lab's window and is cut off
        // (4008), while netty never buffers more than its write limit for it.
        Mono<Void> send = session.send(viewer.frames()
                        .map(e -> e == StreamEvent.PING
                                ? session.pingMessage(f -> f.wrap(new byte[0]))
                                : new WebSocketMessage(
                                        WebSocketMessage.Type.TEXT,
                                        session.bufferFactory().wrap(e.utf8()))))
                .then(Mono.defer(() -> session.close(new CloseStatus(1001, "lab deleted"))));
        // Cut off: stop sending at once (cancelling the send drops frames the socket never took).
        Mono<Void> tooSlow = viewer.cutOff()
                .onErrorResume(
                        ViewerTooSlowException.class,
                        e -> Mono.fromRunnable(() -> session.close(new CloseStatus(
                                        TOO_SLOW, "viewer too slow; reconnect with after=" + viewer.lastSent()))
                                .subscribe()));
        Mono<Void> receive = inbound(session, entry);
        return Mono.firstWithSignal(send, receive, tooSlow).doFinally(s -> viewers.closed(lab, entry));
    }

    /** Until the socket asks for frames from its event loop (it does at once), drains run here. */
    private static Executor fallback() {
        return r -> Schedulers.parallel().schedule(r);
    }

    /**
     * Viewers have nothing to say but pongs (each one shows the viewer reads); a flood of frames closes
     * the viewer (frame size is capped at the handshake).
     */
    private Mono<Void> inbound(WebSocketSession session, Viewers.Entry entry) {
        int perSecond = props.getMaxInboundFramesPerSecond();
        long[] window = {clock.nanos(), 0};
        boolean[] closing = {false};
        // Keep reading while the close handshake runs: cancelling the inbound would drop the
        // connection before the 1008 reaches the viewer.
        return session.receive()
                .doOnNext(msg -> {
                    entry.heard();
                    long now = clock.nanos();
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
