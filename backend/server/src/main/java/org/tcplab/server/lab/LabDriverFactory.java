package org.tcplab.server.lab;

import org.tcplab.engine.event.EventSink;

/** Makes drivers for one lab mode ({@code sim}, {@code tap}); a Spring bean per mode. */
public interface LabDriverFactory {

    String mode();

    /** A new driver for {@code settings}, reporting every event to {@code events}. */
    LabDriver create(LabSettings settings, EventSink events);
}
