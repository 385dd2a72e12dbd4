package org.tcplab.server.stream;

import io.netty.util.internal.ThreadExecutorMap;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.tcplab.engine.event.LoggedEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One viewer of a {@link LabStream}: the events after {@code after}, stored ones then live ones, in
 * id order with no gaps and no repeats, sent only as fast as the viewer takes them.
 *
 * <p>Its state is a cursor ({@code next}): it sends from the lab's shared window when the event is
 * there ("live"), else from the stored log a page at a time ("catching up", serialising for itself).
 * A live viewer whose next event has left the window is cut off ({@link #cutOff()} fails with
 * {@link ViewerTooSlowException}).
 * Its work runs one drain at a time, on the socket's event loop once known (else on the fallback).
 *
 * <p>With {@code batch}, each frame is a JSON array of the events available at that moment (up to
 * {@link #BATCH_EVENTS} events or about {@link #BATCH_BYTES} bytes): a viewer that is behind
 * catches up in few frames. Without it, one event per frame, the frame's bytes shared with every
 * other viewer.
 */
final class StreamViewer implements LabStream.Viewer {

    /** Stored events read from the log at a time while catching up. */
    static final int PAGE = 256;

    static final int BATCH_EVENTS = 256;
    static final int BATCH_BYTES = 64 * 1024;

    /** Where the stored events come from: the log, read under its own lock. */
    @FunctionalInterface
    interface StoredEvents {
        List<LoggedEvent> after(long after, int limit);
    }

    private final LabStream stream;
    private final StoredEvents stored;
    private final boolean batch;
    /** The socket's event loop once the socket has asked for frames from it; until then the fallback. */
    private volatile Executor executor;

    private final AtomicInteger wip = new AtomicInteger();
    private final Sinks.Empty<Void> cutOff = Sinks.empty();

    private volatile long next;
    private volatile boolean tooSlow;
    private volatile boolean pingDue;
    private boolean live;
    private boolean done;
    private List<LoggedEvent> page = List.of();
    private int pageIndex;
    private FluxSink<StreamEvent> sink;

    StreamViewer(LabStream stream, long after, StoredEvents stored, boolean batch, Executor executor) {
        this.stream = stream;
        this.next = after + 1;
        this.stored = stored;
        this.batch = batch;
        this.executor = executor;
    }

    /** The frames: events (or batches), and {@link StreamEvent#PING} when a ping is due. */
    Flux<StreamEvent> frames() {
        return Flux.create(s -> {
            sink = s;
            s.onRequest(n -> {
                // The socket asks from its own event loop: drain there, so frames are written without a hop.
                Executor loop = ThreadExecutorMap.currentExecutor();
                if (loop != null) executor = loop;
                schedule();
            });
            s.onDispose(() -> stream.remove(this));
            stream.add(this);
            schedule();
        });
    }

    /** Fails with {@link ViewerTooSlowException} when the viewer is cut off; never completes otherwise. */
    Mono<Void> cutOff() {
        return cutOff.asMono();
    }

    /** The id of the last event sent. */
    long lastSent() {
        return next - 1;
    }

    @Override
    public long next() {
        return next;
    }

    @Override
    public void published(LabStream s) {
        if (live && next < s.tailId()) tooSlow = true;
        schedule();
    }

    /** Sends a ping in order with the frames, when the viewer next takes one. */
    void ping() {
        pingDue = true;
        schedule();
    }

    private void schedule() {
        if (wip.getAndIncrement() == 0) {
            executor.execute(this::drain);
        }
    }

    private void drain() {
        int missed = 1;
        do {
            try {
                emit();
            } catch (RuntimeException e) {
                done = true;
                sink.error(e);
            }
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void emit() {
        if (done || sink == null || sink.isCancelled()) return;
        if (tooSlow) {
            done = true;
            // Not through the frames: a socket that stopped reading would hold the error behind its
            // unsent frames. The handler closes the socket (4008) when cutOff() signals.
            stream.remove(this);
            cutOff.tryEmitError(new ViewerTooSlowException(stream.bufferEvents(), stream.bufferBytes()));
            return;
        }
        if (stream.completed()) {
            done = true;
            sink.complete();
            return;
        }
        while (sink.requestedFromDownstream() > 0) {
            if (pingDue) {
                pingDue = false;
                sink.next(StreamEvent.PING);
                continue;
            }
            StreamEvent frame = batch ? batch() : one();
            if (frame == null) return;
            sink.next(frame);
        }
    }

    /** The next event, or null when there is none yet (or the viewer was just found too slow). */
    private StreamEvent one() {
        long id = next;
        if (id > stream.headId()) return null;
        StreamEvent w = stream.windowed(id);
        if (w != null) {
            live = true;
            next = id + 1;
            return w;
        }
        if (live) {
            // It left the window while this viewer was behind: it may resume with after=<last id>.
            tooSlow = true;
            schedule();
            return null;
        }
        LoggedEvent e = storedEvent(id);
        if (e == null) return null;
        next = id + 1;
        return stream.toStreamEvent(e);
    }

    private LoggedEvent storedEvent(long id) {
        if (pageIndex >= page.size() || page.get(pageIndex).id() != id) {
            page = stored.after(id - 1, PAGE);
            pageIndex = 0;
            if (page.isEmpty()) return null;
        }
        return page.get(pageIndex++);
    }

    private StreamEvent batch() {
        StreamEvent first = one();
        if (first == null) return null;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(BATCH_BYTES, first.utf8().length + 256));
        out.write('[');
        out.writeBytes(first.utf8());
        StreamEvent last = first;
        int n = 1;
        while (n < BATCH_EVENTS && out.size() < BATCH_BYTES) {
            StreamEvent more = one();
            if (more == null) break;
            out.write(',');
            out.writeBytes(more.utf8());
            last = more;
            n++;
        }
        out.write(']');
        return new StreamEvent(last.id(), out.toByteArray(), first.createdNanos(), 0);
    }
}
