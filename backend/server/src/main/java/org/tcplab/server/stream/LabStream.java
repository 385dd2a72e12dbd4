package org.tcplab.server.stream;

import java.util.List;
import java.util.function.LongFunction;
import org.tcplab.engine.event.LoggedEvent;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;
import tools.jackson.databind.json.JsonMapper;

/**
 * A lab's live events for its viewers: one hot source per lab, a bounded buffer per viewer.
 *
 * <p>The hot source is {@code multicast().directBestEffort()}: it never waits for anyone, so no
 * viewer slows the lab. Each viewer drains its own bounded queue; when the queue is full the viewer
 * fails with {@link ViewerTooSlowException} (the WebSocket handler closes it with 4008) and may
 * reconnect with {@code after=<last id>}. Healthy viewers lose nothing.
 */
public final class LabStream {

    private final Sinks.Many<StreamEvent> hot = Sinks.many().multicast().directBestEffort();
    private final JsonMapper json;
    private final Runnable onEvent;

    public LabStream(JsonMapper json, Runnable onEvent) {
        this.json = json;
        this.onEvent = onEvent;
    }

    /** Called by the lab (under its lock, so one thread at a time) for each logged event. */
    public void publish(LoggedEvent logged) {
        onEvent.run();
        if (hot.currentSubscriberCount() == 0) {
            return; // nobody watching: skip the serialisation
        }
        hot.tryEmitNext(toStreamEvent(logged));
    }

    public StreamEvent toStreamEvent(LoggedEvent logged) {
        return new StreamEvent(logged.id(), json.writeValueAsString(EventJson.toMap(logged)), System.nanoTime());
    }

    /** Deleting the lab completes every viewer. */
    public void complete() {
        hot.tryEmitComplete();
    }

    public int viewers() {
        return hot.currentSubscriberCount();
    }

    /**
     * The events with id greater than {@code after}: stored ones, then live ones, in id order, no gaps,
     * no repeats. Subscribes to the live source first, then reads the stored events (which must read the
     * log under the lab's lock), then skips live ids already sent.
     *
     * @param stored returns the logged events after an id (called once, after the live subscription)
     * @param buffer the viewer's queue; a viewer more than this many events behind fails
     */
    public Flux<StreamEvent> viewer(long after, LongFunction<List<LoggedEvent>> stored, int buffer) {
        return Flux.defer(() -> {
            Sinks.Many<StreamEvent> queue = Sinks.many()
                    .unicast()
                    .onBackpressureBuffer(Queues.<StreamEvent>get(buffer).get());
            // A queue's error would wait behind the events it holds; a stalled viewer must fail now.
            Sinks.One<Boolean> tooSlow = Sinks.one();
            Disposable live = hot.asFlux()
                    .subscribe(
                            e -> {
                                if (queue.tryEmitNext(e).isFailure()) {
                                    tooSlow.tryEmitValue(true);
                                }
                            },
                            queue::tryEmitError,
                            () -> {
                                queue.tryEmitComplete();
                                tooSlow.tryEmitValue(false);
                            });
            List<LoggedEvent> before = stored.apply(after);
            long[] last = {after};
            Flux<StreamEvent> events = Flux.fromIterable(before)
                    .map(this::toStreamEvent)
                    .concatWith(queue.asFlux())
                    .filter(e -> {
                        if (e.id() <= last[0]) {
                            return false;
                        }
                        last[0] = e.id();
                        return true;
                    });
            Mono<StreamEvent> cutOff = tooSlow.asMono()
                    .flatMap(slow -> slow ? Mono.error(new ViewerTooSlowException(buffer)) : Mono.empty());
            return events.mergeWith(cutOff).doFinally(s -> live.dispose());
        });
    }
}
