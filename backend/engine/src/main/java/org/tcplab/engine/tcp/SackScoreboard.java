package org.tcplab.engine.tcp;

import java.util.ArrayList;
import java.util.List;
import org.tcplab.engine.wire.SeqNum;

/**
 * The sender's record of what the peer SACKed above SND.UNA (RFC 2018 §5; RFC 6675 calls it the
 * scoreboard): sorted, disjoint {@link SackRange}s. Ranges are values; a change replaces them.
 */
final class SackScoreboard {

    private final List<SackRange> ranges = new ArrayList<>(4);

    boolean isEmpty() {
        return ranges.isEmpty();
    }

    List<SackRange> ranges() {
        return List.copyOf(ranges);
    }

    /** Adds a reported block, merging it with the ranges it overlaps or touches. */
    void add(SackRange block) {
        SackRange merged = block;
        int at = 0;
        for (int i = 0; i < ranges.size(); ) {
            SackRange r = ranges.get(i);
            if (r.joins(merged)) {
                merged = merged.union(r);
                ranges.remove(i);
            } else {
                if (r.right().lessThan(merged.left())) at = i + 1;
                i++;
            }
        }
        ranges.add(at, merged);
    }

    /** SND.UNA moved to {@code una}: what lies below it is acknowledged and leaves the scoreboard. */
    void acknowledgedTo(SeqNum una) {
        for (int i = 0; i < ranges.size(); ) {
            SackRange r = ranges.get(i);
            if (r.right().lessOrEqual(una)) {
                ranges.remove(i);
            } else {
                if (r.left().lessThan(una)) ranges.set(i, new SackRange(una, r.right()));
                i++;
            }
        }
    }

    /** RFC 2018 §5.1 and RFC 6675 §5.1: after a retransmission timeout prior SACK information is ignored. */
    void clear() {
        ranges.clear();
    }

    /** The first sequence number at or after {@code seq} that is not SACKed. */
    SeqNum skipSacked(SeqNum seq) {
        SeqNum s = seq;
        for (SackRange r : ranges) {
            if (r.contains(s)) s = r.right();
        }
        return s;
    }

    /** The left edge of the first SACKed range above {@code seq}, or null. */
    SeqNum nextSackedAfter(SeqNum seq) {
        for (SackRange r : ranges) {
            if (r.left().greaterThan(seq)) return r.left();
        }
        return null;
    }
}
