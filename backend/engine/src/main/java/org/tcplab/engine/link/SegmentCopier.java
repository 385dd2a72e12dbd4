package org.tcplab.engine.link;

/**
 * Makes the copy a duplicate fault puts on the wire: the owner of segment ids gives it a new id
 * and logs its {@code segment.sent} (note "duplicate"), so the copy is a segment of its own.
 */
@FunctionalInterface
public interface SegmentCopier {
    Packet copy(Packet original);
}
