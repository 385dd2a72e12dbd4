package org.tcplab.server.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.tcplab.server.system.WallClock;

/** A wall clock that moves only when a test moves it (Netty's mock ticker). */
public final class ManualWallClock implements WallClock {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return nanos.get();
    }

    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    public void advanceNanos(long n) {
        nanos.addAndGet(n);
    }
}
