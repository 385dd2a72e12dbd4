package org.tcplab.engine.time;

/** Virtual time: moves only when the scheduler runs an occurrence or is told to (simulation). */
public final class VirtualClock implements LabClock {

    private long nowUs;

    @Override
    public long nowUs() {
        return nowUs;
    }

    @Override
    public boolean reach(long atUs) {
        if (atUs > nowUs) nowUs = atUs;
        return true;
    }

    @Override
    public boolean realTime() {
        return false;
    }
}
