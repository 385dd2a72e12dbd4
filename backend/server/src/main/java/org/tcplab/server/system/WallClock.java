package org.tcplab.server.system;

/**
 * The server's monotonic wall-clock time source (Netty's {@code Ticker}, principle 7): labs' run
 * budgets, the realtime clock, idle removal and viewer pings read it. Tests inject one they move by
 * hand; the engine never sees it.
 */
@FunctionalInterface
public interface WallClock {

    /** Nanoseconds from an arbitrary origin, like {@link System#nanoTime()}. */
    long nanos();

    WallClock SYSTEM = System::nanoTime;
}
