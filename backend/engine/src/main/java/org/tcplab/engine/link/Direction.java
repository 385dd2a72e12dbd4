package org.tcplab.engine.link;

import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.HostName;

/** Which way a fault rule applies. */
public enum Direction {
    CLIENT_TO_SERVER("client-to-server"),
    SERVER_TO_CLIENT("server-to-client"),
    BOTH("both");

    private final String id;

    Direction(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean covers(HostName from) {
        return this == BOTH || (from == HostName.CLIENT) == (this == CLIENT_TO_SERVER);
    }

    public static Direction parse(String s) {
        for (Direction d : values()) {
            if (d.id.equals(s)) return d;
        }
        throw new InvalidArgumentException(
                "direction", "direction must be client-to-server, server-to-client or both: " + s);
    }
}
