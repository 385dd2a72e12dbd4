package org.tcplab.tap;

import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.tcp.TcpState;

/**
 * A lab world with the Linux kernel on at least one side: {@code linuxSide} {@code server} or
 * {@code client} is a {@link TapLab} (our stack on a TAP device facing Linux), {@code both} a
 * {@link LinuxPairLab} (two Linux sockets over a veth pair, watched by a capture). Real time, its
 * own thread; events arrive from that thread, one at a time, in order. {@link #close()} removes
 * every namespace, device and socket.
 */
public interface KernelLab extends LabWorld {

    /** Starts the lab {@code config.linuxSide()} asks for; check {@link TapSupport#check()} first. */
    static KernelLab start(TapLabConfig config, EventSink events) {
        return "both".equals(config.linuxSide()) ? LinuxPairLab.start(config, events) : TapLab.start(config, events);
    }

    TapLabConfig config();

    /** A side's state of a connection: our stack's TCB, or Linux's as last observed (CLOSED when gone). */
    TcpState state(String connection, HostName side);
}
