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
 *     (1: always, 0: never)
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

    /** A rule acting on every segment in {@code direction} (nth 1, no count limit, probability 1). */
    public static FaultRule of(Direction direction, FaultAction action) {
        return new FaultRule(0, direction, null, null, null, 1, 0, 1.0, action, 0);
    }

    public FaultRule withFlags(TcpFlags f) {
        return new FaultRule(id, direction, f, onlyFlags, connection, nth, count, probability, action, delayUs);
    }

    public FaultRule withOnlyFlags(TcpFlags f) {
        return new FaultRule(id, direction, flags, f, connection, nth, count, probability, action, delayUs);
    }

    public FaultRule withConnection(String c) {
        return new FaultRule(id, direction, flags, onlyFlags, c, nth, count, probability, action, delayUs);
    }

    public FaultRule withNth(int n) {
        return new FaultRule(id, direction, flags, onlyFlags, connection, n, count, probability, action, delayUs);
    }

    public FaultRule withCount(int c) {
        return new FaultRule(id, direction, flags, onlyFlags, connection, nth, c, probability, action, delayUs);
    }

    public FaultRule withProbability(double p) {
        return new FaultRule(id, direction, flags, onlyFlags, connection, nth, count, p, action, delayUs);
    }

    public FaultRule withDelayUs(long d) {
        return new FaultRule(id, direction, flags, onlyFlags, connection, nth, count, probability, action, d);
    }
}
