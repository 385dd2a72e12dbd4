package org.tcplab.server.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.tcplab.engine.event.LoggedEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * A lab's live events for its viewers: each event serialised once, into a shared window, and every
 * viewer a cursor into it.
 *
 * <p>The window holds the newest events in serialised form (UTF-8 JSON), as far back as the slowest
 * live viewer needs and never more than {@code bufferEvents} events or {@code bufferBytes} bytes. A
 * viewer owns nothing but its cursor (and, while it catches up with older events, one page of the
 * log): it sends the window's bytes as they are, so the only thing made per viewer per event is the
 * frame. A live viewer whose next event has left the window fell further behind than the bounds
 * allow; it is cut off ({@link ViewerTooSlowException}, closed with 4008) and may resume from its
 * last id, while the lab and the other viewers never wait for it.
 *
 * <p>{@link #publish} is called with the log's lock held, in id order; viewers read the window
 * without locks (each slot holds an immutable event whose id says whether it is the one wanted).
 */
public final class LabStream {

    private final JsonMapper json;
    private final Runnable onEvent;
    private final int bufferEvents;
    private final long bufferBytes;
    private final LongSupplier nanos;
    private final AtomicReferenceArray<StreamEvent> window;
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();

    /** Newest id in the window (0: none yet); written under the log's lock, read by viewers. */
    private volatile long headId;
    /** Oldest id still in the window. */
    private volatile long tailId = 1;

    private long headBytes;
    private volatile boolean completed;

    /**
     * @param bufferEvents how many events a live viewer may fall behind
     * @param bufferBytes how many bytes of JSON a live viewer may fall behind
     * @param nanos when an event is created, for latency figures ({@link StreamEvent#createdNanos})
     */
    public LabStream(JsonMapper json, Runnable onEvent, int bufferEvents, long bufferBytes, LongSupplier nanos) {
        this.json = json;
        this.onEvent = onEvent;
        this.bufferEvents = Math.max(1, bufferEvents);
        this.bufferBytes = Math.max(1, bufferBytes);
        this.nanos = nanos;
        this.window = new AtomicReferenceArray<>(this.bufferEvents + 1);
    }

    /** Called by the lab for each logged event, in id order, with the log's lock held. */
    public void publish(LoggedEvent logged) {
        onEvent.run();
        long id = logged.id();
        if (viewers.isEmpty()) {
            // Nobody watching: skip the serialisation; a viewer that comes reads the log. One that
            // joined just now either sees this head or is told to look (head first, then the list).
            tailId = id + 1;
            headId = id;
            for (Viewer v : viewers) v.published(this);
            return;
        }
        byte[] utf8 = serialise(logged);
        headBytes += utf8.length;
        StreamEvent e = new StreamEvent(id, utf8, nanos.getAsLong(), headBytes);
        window.set(slot(id), e);
        headId = id;
        trim(id);
        for (Viewer v : viewers) {
            v.published(this);
        }
    }

    /**
     * Drops what no viewer needs any more and what lies beyond the bounds. A viewer that still needed
     * a dropped event reads it from the log if it was catching up, or is cut off if it was live.
     */
    private void trim(long head) {
        long keepFrom = head + 1;
        for (Viewer v : viewers) {
            keepFrom = Math.min(keepFrom, v.next());
        }
        long tail = Math.max(tailId, head - bufferEvents + 1);
        StreamEvent newest = window.get(slot(head));
        while (tail <= head) {
            StreamEvent oldest = window.get(slot(tail));
            boolean tooMuch = oldest == null
                    || oldest.id() != tail
                    || newest.cumulativeBytes() - oldest.cumulativeBytes() + oldest.utf8().length > bufferBytes;
            if (!tooMuch && tail >= keepFrom) break;
            if (oldest != null && oldest.id() == tail) window.set(slot(tail), null);
            tail++;
        }
        tailId = tail;
    }

    private int slot(long id) {
        return (int) (id % window.length());
    }

    /** The event {@code id} from the window, or null if it is not (or no longer) there. */
    StreamEvent windowed(long id) {
        if (id < tailId || id > headId) return null;
        StreamEvent e = window.get(slot(id));
        return e != null && e.id() == id ? e : null;
    }

    long headId() {
        return headId;
    }

    long tailId() {
        return tailId;
    }

    boolean completed() {
        return completed;
    }

    /** A stored event (a viewer catching up from the log), serialised for that viewer alone. */
    public StreamEvent toStreamEvent(LoggedEvent logged) {
        return new StreamEvent(logged.id(), serialise(logged), 0, 0);
    }

    private byte[] serialise(LoggedEvent logged) {
        return json.writeValueAsBytes(EventJson.toMap(logged));
    }

    /** Deleting the lab completes every viewer. */
    public void complete() {
        completed = true;
        for (Viewer v : viewers) {
            v.published(this);
        }
    }

    public int viewers() {
        return viewers.size();
    }

    void add(Viewer v) {
        viewers.add(v);
    }

    void remove(Viewer v) {
        viewers.remove(v);
    }

    int bufferEvents() {
        return bufferEvents;
    }

    long bufferBytes() {
        return bufferBytes;
    }

    /** What the stream needs of a viewer. */
    interface Viewer {
        /** The next id this viewer will send. */
        long next();

        /** New events are in the window (or the stream completed): catch up when there is demand. */
        void published(LabStream stream);
    }
}
