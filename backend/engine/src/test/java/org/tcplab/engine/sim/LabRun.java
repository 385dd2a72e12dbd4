package org.tcplab.engine.sim;

import java.util.function.BooleanSupplier;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpState;

/**
 * One whole connection's life in a lab with faults, driven the way a student would: open, send
 * both ways, close both ends, wait out TIME-WAIT. Shared by the determinism test and the
 * delivery properties.
 */
final class LabRun {

    /** Fault probabilities, each applied in both directions. */
    record Faults(double drop, double duplicate, double reorder, double corrupt, double delay) {
        static final Faults NONE = new Faults(0, 0, 0, 0, 0);
    }

    static final long STEP_CAP = 2_000_000;
    static final long PHASE_CAP_US = 600_000_000;

    final EventLog log = new EventLog();
    final Simulation sim;
    String connection;

    LabRun(long seed, LinkConfig link, Faults faults) {
        SimConfig d = SimConfig.defaults(seed);
        sim = new Simulation(new SimConfig(seed, link, d.client(), d.server(), d.clientIp(), d.serverIp()), log);
        add(faults.drop(), FaultAction.DROP, 0);
        add(faults.duplicate(), FaultAction.DUPLICATE, 0);
        add(faults.reorder(), FaultAction.REORDER, 30_000);
        add(faults.corrupt(), FaultAction.CORRUPT, 0);
        add(faults.delay(), FaultAction.DELAY, 25_000);
    }

    private void add(double p, FaultAction action, long delayUs) {
        if (p > 0)
            sim.addFault(FaultRule.of(Direction.BOTH, action).withProbability(p).withDelayUs(delayUs));
    }

    /** Runs the whole life; user calls the state forbids end the run early (the log says why). */
    void run(byte[] clientData, byte[] serverData) {
        sim.listen(HostName.SERVER, 80);
        connection = sim.connect(HostName.CLIENT, 40000, 80, null, null, false);
        runWhile(() ->
                !(state(HostName.CLIENT) == TcpState.ESTABLISHED && state(HostName.SERVER) == TcpState.ESTABLISHED));
        if (failed()) {
            finish();
            return;
        }
        sim.send(connection, HostName.CLIENT, clientData);
        sim.send(connection, HostName.SERVER, serverData);
        sim.close(connection, HostName.CLIENT);
        runWhile(() -> state(HostName.SERVER) != TcpState.CLOSE_WAIT);
        if (!failed() && state(HostName.SERVER) != TcpState.CLOSE_WAIT) {
            // The phase's time ran out with the client's FIN still being retransmitted (backed-off RTOs
            // reach 60 s under heavy loss): let the lab settle, bounded by STEP_CAP, and close the
            // server then. Stopping here left the server in CLOSE_WAIT, never told to close.
            finish();
        }
        if (failed() || state(HostName.SERVER) != TcpState.CLOSE_WAIT) {
            finish();
            return;
        }
        sim.close(connection, HostName.SERVER);
        finish();
    }

    private void finish() {
        if (!sim.runUntilIdle(STEP_CAP)) throw new IllegalStateException("the lab never settled");
    }

    private void runWhile(BooleanSupplier condition) {
        long cap = sim.nowUs() + PHASE_CAP_US;
        while (condition.getAsBoolean() && !failed() && sim.nextEventUs() <= cap) {
            sim.step();
        }
    }

    boolean failed() {
        for (LoggedEvent e : log.all()) {
            if (e.event() instanceof LabEvent.ErrorRaised) return true;
        }
        return false;
    }

    TcpState state(HostName host) {
        ConnectionKey key = sim.connectionKey(connection, host);
        for (ConnectionSnapshot s : sim.host(host).connections()) {
            if (s.key().equals(key)) return s.state();
        }
        return TcpState.CLOSED;
    }

    byte[] received(HostName host) {
        return sim.received(connection, host);
    }
}
