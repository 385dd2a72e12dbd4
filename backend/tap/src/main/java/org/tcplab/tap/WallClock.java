package org.tcplab.tap;

import org.tcplab.engine.time.LabClock;

/**
 * Real time for a lab facing the Linux kernel: microseconds since the lab started, from the
 * monotonic {@link System#nanoTime()} (the engine never reads it; it is injected here). It cannot
 * be moved: the kernel does not wait.
 */
final class WallClock implements LabClock {

    private final long t0 = System.nanoTime();

    @Override
    public long nowUs() {
        return (System.nanoTime() - t0) / 1000;
    }

    @Override
    public boolean reach(long atUs) {
        return atUs <= nowUs();
    }

    @Override
    public boolean realTime() {
        return true;
    }
}
