package org.tcplab.engine.event;

/** The engine's one observation port (style principle 10). */
@FunctionalInterface
public interface EventSink {
    void emit(LabEvent event);

    EventSink NONE = e -> {};
}
