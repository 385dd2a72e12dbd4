package org.tcplab.engine.link;

/** Where a link hands the packets that make it across (the simulation delivers them to a host). */
@FunctionalInterface
public interface LinkReceiver {
    void deliver(Packet packet);
}
