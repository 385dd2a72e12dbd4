package org.tcplab.server.lab;

import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;

/** Makes the world of a lab of one mode ({@code sim}, {@code tap}); a Spring bean per mode. */
public interface LabWorldFactory {

    String mode();

    /**
     * Refuses at once (a {@code LabProblem}, e.g. 503 naming the setting) when this mode cannot make
     * worlds here, before a creation counts against anyone's limits.
     */
    default void checkAvailable() {}

    /** A new world for {@code settings}, reporting every event to {@code events}. */
    LabWorld create(LabSettings settings, EventSink events);

    /**
     * Whether the same settings and commands rebuild the same world (a simulation), so the lab
     * survives a restart; a world facing the Linux kernel does not.
     */
    default boolean replayable() {
        return true;
    }
}
