package org.tcplab.server.lab;

import java.util.List;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabCapabilities;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.lab.ScriptStatus;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpUserException;

/**
 * What is left of a lab that could not be rebuilt after a restart (a tap lab: the Linux kernel's
 * side is not replayable): its hosts' addresses and link, nothing on them, and no commands.
 */
final class EndedWorld implements LabWorld {

    private static final LabCapabilities NOTHING = new LabCapabilities(true, false, false, false, false);
    private final LabSettings settings;

    EndedWorld(LabSettings settings) {
        this.settings = settings;
    }

    @Override
    public LabCapabilities capabilities() {
        return NOTHING;
    }

    @Override
    public <R> R apply(LabCommand<R> command) {
        throw new TcpUserException("this lab ended when the server restarted; create a new lab");
    }

    @Override
    public long nowUs() {
        return 0;
    }

    @Override
    public long nextEventUs() {
        return Long.MAX_VALUE;
    }

    @Override
    public org.tcplab.engine.wire.Ipv4Address address(HostName host) {
        return host == HostName.CLIENT
                ? settings.sim().clientIp()
                : settings.sim().serverIp();
    }

    @Override
    public TcpConfig tcp(HostName host) {
        return null;
    }

    @Override
    public List<Integer> listeners(HostName host) {
        return List.of();
    }

    @Override
    public List<ConnectionSnapshot> connections(HostName host) {
        return List.of();
    }

    @Override
    public boolean knowsConnection(String connection) {
        return false;
    }

    @Override
    public byte[] received(String connection, HostName side) {
        return new byte[0];
    }

    @Override
    public List<FaultRule> faults() {
        return List.of();
    }

    @Override
    public LinkConfig link() {
        return settings.sim().link();
    }

    @Override
    public ScriptStatus script(int id) {
        throw new TcpUserException("this lab ended when the server restarted and runs no script");
    }
}
