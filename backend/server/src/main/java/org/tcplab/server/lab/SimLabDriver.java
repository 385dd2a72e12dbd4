package org.tcplab.server.lab;

import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.sim.Simulation;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/** A sim lab: both hosts are our stack on the engine's simulated link and virtual clock. */
public final class SimLabDriver implements LabDriver {

    private final Simulation sim;

    public SimLabDriver(Simulation sim) {
        this.sim = sim;
    }

    /** For the scenario runner, which compiles steps into {@code sim.schedule} calls. */
    public Simulation simulation() {
        return sim;
    }

    @Override
    public long nowUs() {
        return sim.nowUs();
    }

    @Override
    public Ipv4Address address(HostName host) {
        return sim.host(host).address();
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return sim.host(host).listeners();
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return sim.host(host).connections();
    }

    @Override
    public void listen(HostName host, int port) {
        sim.listen(host, port);
    }

    @Override
    public String connect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        return sim.connect(from, localPort, remotePort, isn, peerIsn, simultaneous);
    }

    @Override
    public boolean knowsConnection(String connection) {
        return sim.connectionIds().contains(connection);
    }

    @Override
    public void send(String connection, HostName side, byte[] data) {
        sim.send(connection, side, data);
    }

    @Override
    public void close(String connection, HostName side) {
        sim.close(connection, side);
    }

    @Override
    public void abort(String connection, HostName side) {
        sim.abort(connection, side);
    }

    @Override
    public void crash(HostName host) {
        sim.crash(host);
    }

    @Override
    public long inject(HostName from, TcpSegment segment, long delayUs) {
        return sim.inject(from, segment, delayUs);
    }

    @Override
    public FaultRule addFault(FaultRule rule) {
        return sim.addFault(rule);
    }

    @Override
    public boolean removeFault(int id) {
        return sim.removeFault(id);
    }

    @Override
    public List<FaultRule> faults() {
        return sim.faults();
    }

    @Override
    public LinkConfig link() {
        return sim.link();
    }

    @Override
    public void setLink(LinkConfig link) {
        sim.setLink(link);
    }

    @Override
    public void schedule(long atUs, Runnable action) {
        sim.schedule(atUs, action);
    }

    @Override
    public boolean runUntilIdle(long maxSteps) {
        return sim.runUntilIdle(maxSteps);
    }

    @Override
    public void runUntil(long timeUs) {
        sim.runUntil(timeUs);
    }

    @Override
    public boolean runUntil(long timeUs, long maxSteps) {
        return sim.runUntil(timeUs, maxSteps);
    }

    @Override
    public boolean step() {
        return sim.step();
    }

    @Override
    public long nextEventUs() {
        return sim.nextEventUs();
    }
}
