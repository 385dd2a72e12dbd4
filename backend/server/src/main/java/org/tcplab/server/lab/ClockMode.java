package org.tcplab.server.lab;

import java.util.Locale;

/** How a sim lab's virtual time moves (lab-api.md "clock"). */
public enum ClockMode {
    /** Every change runs the simulation until nothing is pending before the request answers. */
    INSTANT,
    /** Virtual time follows the wall clock times {@code timeScale}. */
    REALTIME,
    /** Time moves only on {@code POST .../advance}. */
    STEP;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClockMode parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
