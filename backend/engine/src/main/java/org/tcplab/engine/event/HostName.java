package org.tcplab.engine.event;

import org.tcplab.engine.InvalidArgumentException;

/** The two hosts of a lab. */
public enum HostName {
    CLIENT,
    SERVER;

    /** The JSON spelling: {@code client} / {@code server}. */
    public String id() {
        return this == CLIENT ? "client" : "server";
    }

    public HostName other() {
        return this == CLIENT ? SERVER : CLIENT;
    }

    public static HostName parse(String s) {
        return switch (s) {
            case "client" -> CLIENT;
            case "server" -> SERVER;
            default -> throw new InvalidArgumentException("host", "host must be client or server: " + s);
        };
    }
}
