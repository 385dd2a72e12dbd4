package org.tcplab.engine.link;

/**
 * A one-hop network between the two hosts. {@link #transmit} is called at the scheduler's current
 * time; the packet later reaches the link's {@link LinkReceiver}, or is dropped with a
 * {@code segment.dropped} event. Decorators ({@link FaultyLink}) add behaviour around a plain link.
 */
public interface Link {

    void transmit(Packet packet);

    LinkConfig config();

    /** Applies to packets transmitted from now on. */
    void configure(LinkConfig config);
}
