package org.tcplab.server.system;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;

/**
 * The server's Prometheus meters: labs live, events logged (a counter: Prometheus' rate() gives
 * events per second), viewers connected, requests rejected by status.
 */
@Component
public class LabMetrics {

    private final MeterRegistry registry;
    private final AtomicInteger labs = new AtomicInteger();
    private final AtomicInteger viewers = new AtomicInteger();
    private final Counter events;

    public LabMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("tcplab.labs.live", labs);
        registry.gauge("tcplab.viewers", viewers);
        this.events = Counter.builder("tcplab.events")
                .description("events logged by all labs")
                .register(registry);
    }

    public void labCreated() {
        labs.incrementAndGet();
    }

    public void labRemoved() {
        labs.decrementAndGet();
    }

    public void viewerOpened() {
        viewers.incrementAndGet();
    }

    public void viewerClosed() {
        viewers.decrementAndGet();
    }

    public int viewers() {
        return viewers.get();
    }

    public void event() {
        events.increment();
    }

    public void rejected(int status) {
        registry.counter("tcplab.requests.rejected", "status", Integer.toString(status))
                .increment();
    }
}
