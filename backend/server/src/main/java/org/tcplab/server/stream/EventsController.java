package org.tcplab.server.stream;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.system.LabProblem;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event log as JSON, a page at a time (lab-api.md): at most {@code limit} events after
 * {@code after}, and a {@code Link: <...after=K...>; rel="next"} (plus {@code X-Next-After: K}) while
 * more remain. A page is also cut at about {@link #PAGE_BYTES} of JSON, so pages of big segments
 * stay small. The body is written event by event as it is serialised, never built whole; the log is
 * read under its own lock, so a busy lab's events are still served.
 */
@RestController
@Tag(name = "events", description = "The lab's ordered event log")
class EventsController {

    static final int MAX_LIMIT = 10_000;
    /** About this much JSON per page at most (one event at least). */
    static final long PAGE_BYTES = 8L * 1024 * 1024;

    private static final byte[] OPEN = {'['};
    private static final byte[] COMMA = {','};
    private static final byte[] CLOSE = {']'};

    private final LabService labs;
    private final JsonMapper json;
    private final DataBufferFactory buffers = DefaultDataBufferFactory.sharedInstance;

    EventsController(LabService labs, JsonMapper json) {
        this.labs = labs;
        this.json = json;
    }

    @GetMapping("/api/labs/{lab}/events")
    @Operation(
            summary = "Events with id > after, in order, at most limit (default and maximum 10,000)",
            description = "When more remain, a Link header (rel=\"next\") and X-Next-After give the next page's"
                    + " after. Live: WebSocket /api/labs/{lab}/events/stream?after=N sends the same objects.")
    Mono<ResponseEntity<Flux<DataBuffer>>> events(
            @PathVariable("lab") String id,
            @RequestParam(value = "after", defaultValue = "0") long after,
            @RequestParam(value = "limit", defaultValue = "" + MAX_LIMIT) int limit,
            ServerHttpRequest request) {
        if (after < 0) throw LabProblem.badInput("after", "must be 0 or more");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw LabProblem.badInput("limit", "must be 1 to " + MAX_LIMIT + "; follow the Link header for more");
        }
        return Mono.defer(() -> labs.find(id))
                .map(lab ->
                        page(lab, after, limit, request.getPath().contextPath().value()));
    }

    private ResponseEntity<Flux<DataBuffer>> page(Lab lab, long after, int limit, String contextPath) {
        List<LoggedEvent> events = cut(lab.events(after, limit));
        long last = events.isEmpty() ? after : events.get(events.size() - 1).id();
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
        if (last < lab.lastEventId()) {
            answer.header(
                    HttpHeaders.LINK,
                    "<" + contextPath + "/api/labs/" + lab.id() + "/events?after=" + last + "&limit=" + limit
                            + ">; rel=\"next\"");
            answer.header("X-Next-After", Long.toString(last));
        }
        Flux<DataBuffer> body = Flux.fromIterable(events).index().map(t -> {
            byte[] e = json.writeValueAsBytes(EventJson.toMap(t.getT2()));
            return t.getT1() == 0 ? buffers.wrap(e) : buffers.join(List.of(buffers.wrap(COMMA), buffers.wrap(e)));
        });
        return answer.body(Flux.concat(
                Mono.fromSupplier(() -> buffers.wrap(OPEN)), body, Mono.fromSupplier(() -> buffers.wrap(CLOSE))));
    }

    /** The longest prefix within {@link #PAGE_BYTES} of estimated JSON (at least one event). */
    static List<LoggedEvent> cut(List<LoggedEvent> events) {
        long bytes = 0;
        for (int i = 0; i < events.size(); i++) {
            bytes += estimate(events.get(i).event());
            if (bytes > PAGE_BYTES && i > 0) return events.subList(0, i);
        }
        return events;
    }

    /** JSON size of an event, roughly: a segment shows its bytes twice as hex plus its fields. */
    static long estimate(LabEvent e) {
        return e instanceof LabEvent.SegmentSent s ? 700 + 2L * s.packet().length : 300;
    }
}
