package org.tcplab.engine.event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lab's ordered log. Single-threaded like the rest of the engine: the owner serialises calls.
 * A listener sees each event right after it is appended (the server bridges this to Reactor).
 */
public final class EventLog implements EventSink {

    private final List<LoggedEvent> events = new ArrayList<>();
    /** Ids up to this one were given out before the log was made (and are not held here). */
    private final long firstIdBefore;

    private Consumer<LoggedEvent> listener = e -> {};

    public EventLog() {
        this(0);
    }

    /**
     * A log whose first event gets id {@code firstIdBefore + 1}: the continuation of a log whose
     * earlier events are lost (a lab that could not be rebuilt keeps its viewers' ids in order).
     */
    public EventLog(long firstIdBefore) {
        this.firstIdBefore = firstIdBefore;
    }

    public void onAppend(Consumer<LoggedEvent> listener) {
        this.listener = listener;
    }

    @Override
    public void emit(LabEvent event) {
        LoggedEvent logged = new LoggedEvent(firstIdBefore + events.size() + 1L, event);
        events.add(logged);
        listener.accept(logged);
    }

    public long lastId() {
        return firstIdBefore + events.size();
    }

    public int size() {
        return events.size();
    }

    /** The events with id greater than {@code afterId}, in order. */
    public List<LoggedEvent> after(long afterId) {
        return after(afterId, Integer.MAX_VALUE);
    }

    /** At most {@code limit} events with id greater than {@code afterId}, in order: one page of the log. */
    public List<LoggedEvent> after(long afterId, int limit) {
        int from = (int) Math.max(0, Math.min(afterId - firstIdBefore, events.size()));
        int to = (int) Math.min(events.size(), (long) from + Math.max(0, limit));
        return Collections.unmodifiableList(new ArrayList<>(events.subList(from, to)));
    }

    public List<LoggedEvent> all() {
        return after(0);
    }
}
