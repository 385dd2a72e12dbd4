package org.tcplab.server.lab;

import org.springframework.stereotype.Component;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.sim.Simulation;

/** Sim labs: both hosts are our stack on the engine's simulated link and virtual clock. */
@Component
class SimWorldFactory implements LabWorldFactory {

    @Override
    public String mode() {
        return "sim";
    }

    @Override
    public LabWorld create(LabSettings settings, EventSink events) {
        return new Simulation(settings.sim(), events);
    }
}
