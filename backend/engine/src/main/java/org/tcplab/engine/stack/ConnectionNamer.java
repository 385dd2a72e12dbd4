package org.tcplab.engine.stack;

import org.tcplab.engine.event.HostName;

/**
 * Gives a 4-tuple its lab connection id, the {@code connection} field of events. The lab gives both
 * ends of one connection the same id, so the host asks rather than inventing one.
 */
@FunctionalInterface
public interface ConnectionNamer {
    String name(HostName host, ConnectionKey key);
}
