package org.tcplab.engine.link;

import java.util.Locale;
import org.tcplab.engine.InvalidArgumentException;

/** What a fault rule does to a matching segment. */
public enum FaultAction {
    /** The segment vanishes on the link. */
    DROP,
    /** The segment arrives {@code delayUs} later than it would have. */
    DELAY,
    /** The segment arrives twice (the copy right behind the original). */
    DUPLICATE,
    /** The segment is held back until the next segment in its direction has been delivered. */
    REORDER,
    /** One bit is flipped; the receiver drops it on its checksum. */
    CORRUPT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FaultAction parse(String s) {
        for (FaultAction a : values()) {
            if (a.name().equalsIgnoreCase(s)) return a;
        }
        throw new InvalidArgumentException("action", "action must be drop, delay, duplicate, reorder or corrupt: " + s);
    }
}
