package org.tcplab.server.lab;

import org.springframework.stereotype.Component;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.sim.Simulation;

@Component
class SimLabDriverFactory implements LabDriverFactory {

    @Override
    public String mode() {
        return "sim";
    }

    @Override
    public LabDriver create(LabSettings settings, EventSink events) {
        return new SimLabDriver(new Simulation(settings.sim(), events));
    }
}
