package org.tcplab.engine.link;

import org.tcplab.engine.wire.TcpFlags;

/**
 * A fault on the link (lab-api.md POST /faults).
 *
 * @param id given by the link when the rule is added (1, 2, ...)
 * @param flags match segments having all of these (null: any)
 * @param onlyFlags match segments having exactly these (null: any)
 * @param connection match this lab connection id only (null: any)
 * @param nth act from the nth matching segment on, counting from 1
 * @param count act on at most this many segments (0: unlimited)
 * @param probability act on each candidate with this probability, from the lab's seeded random
 * @param delayUs for DELAY (and how long REORDER may hold a segment at most)
 */
public record FaultRule(
        int id,
        Direction direction,
        TcpFlags flags,
        TcpFlags onlyFlags,
        String connection,
        int nth,
        int count,
        double probability,
        FaultAction action,
        long delayUs) {

    public FaultRule withId(int newId) {
        return new FaultRule(newId, direction, flags, onlyFlags, connection, nth, count, probability, action, delayUs);
    }
}
