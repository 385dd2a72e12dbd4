package org.tcplab.engine.tcp;

import org.tcplab.engine.wire.SeqNum;

/**
 * One range of sequence space the peer reported as received (RFC 2018 §3: the left edge is the
 * first sequence number of the block, the right edge the one after its last). Edges compare
 * modulo 2^32 like every sequence number.
 */
record SackRange(SeqNum left, SeqNum right) {

    SackRange {
        if (!left.lessThan(right)) throw new IllegalArgumentException("empty SACK range " + left + ".." + right);
    }

    boolean contains(SeqNum seq) {
        return left.lessOrEqual(seq) && seq.lessThan(right);
    }

    long length() {
        return right.distanceFrom(left);
    }

    /** Overlaps or touches {@code other}, so the two are one range. */
    boolean joins(SackRange other) {
        return !right.lessThan(other.left) && !other.right.lessThan(left);
    }

    SackRange union(SackRange other) {
        return new SackRange(SeqNum.min(left, other.left), SeqNum.max(right, other.right));
    }
}
