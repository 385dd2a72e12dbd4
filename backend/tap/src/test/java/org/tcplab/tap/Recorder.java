package org.tcplab.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;

/** Collects a lab's events (emitted by its driver thread) for a test thread to wait on and read. */
final class Recorder implements EventSink {

    private final List<LabEvent> events = new ArrayList<>();

    @Override
    public synchronized void emit(LabEvent event) {
        events.add(event);
        notifyAll();
    }

    synchronized List<LabEvent> all() {
        return new ArrayList<>(events);
    }

    <T extends LabEvent> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (LabEvent e : all()) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }

    /** Waits until an event satisfies {@code p}; returns it, or throws with what was seen. */
    synchronized <T extends LabEvent> T await(Class<T> type, Predicate<T> p, long timeoutMs)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        int checked = 0;
        while (true) {
            for (; checked < events.size(); checked++) {
                LabEvent e = events.get(checked);
                if (type.isInstance(e) && p.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new AssertionError(
                        "no matching " + type.getSimpleName() + " within " + timeoutMs + " ms; saw:\n" + describe());
            }
            wait(left);
        }
    }

    synchronized String describe() {
        StringBuilder sb = new StringBuilder();
        int from = Math.max(0, events.size() - 60);
        for (LabEvent e : events.subList(from, events.size())) {
            sb.append("  ").append(brief(e)).append('\n');
        }
        return sb.toString();
    }

    static String brief(LabEvent e) {
        if (e instanceof LabEvent.SegmentSent s) {
            return String.format(
                    "%8.3f ms sent #%d %s->%s %s seq=%d ack=%d len=%d%s%s",
                    s.timeUs() / 1000.0,
                    s.segmentId(),
                    s.from().id(),
                    s.to().id(),
                    s.segment().flags(),
                    s.segment().seq(),
                    s.segment().ack(),
                    s.segment().payloadLength(),
                    s.retransmission() ? " RETX" : "",
                    s.note() == null ? "" : " " + s.note());
        }
        return String.format("%8.3f ms %s", e.timeUs() / 1000.0, e);
    }
}
