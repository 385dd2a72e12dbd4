package org.tcplab.server.lab;

import java.time.Duration;
import org.tcplab.server.system.TcpLabProperties;

/**
 * What one lab may use: events and bytes kept, simulation work per request and per realtime tick,
 * and how long a request waits for a busy lab (all from {@code tcplab.*}).
 *
 * @param maxSteps simulation steps one request or tick may run
 * @param maxRun wall time one request may simulate
 * @param tickRun wall time one realtime tick may simulate
 * @param busyTimeout how long a request waits for the lab's earlier work before a 503
 * @param realtimeFlush how far a realtime lab's clock may run ahead of its journal
 */
public record LabLimits(
        int maxEvents,
        long maxBytes,
        long maxSteps,
        Duration maxRun,
        Duration tickRun,
        Duration busyTimeout,
        Duration realtimeFlush) {

    public LabLimits(
            int maxEvents, long maxBytes, long maxSteps, Duration maxRun, Duration tickRun, Duration busyTimeout) {
        this(maxEvents, maxBytes, maxSteps, maxRun, tickRun, busyTimeout, Duration.ofSeconds(1));
    }

    /** Tasks that may wait for one lab at once; more are refused at once (503). */
    static final int MAX_QUEUED = 64;

    public static LabLimits of(TcpLabProperties p) {
        return new LabLimits(
                p.getMaxEventsPerLab(),
                p.getMaxBytesPerLab(),
                p.getInstantMaxSteps(),
                p.getMaxRunTime(),
                p.getRealtimeTick(),
                p.getLabBusyTimeout(),
                p.getJournalRealtimeFlush());
    }
}
