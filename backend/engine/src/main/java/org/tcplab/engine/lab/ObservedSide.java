package org.tcplab.engine.lab;

import org.tcplab.engine.tcp.TcpState;

/**
 * A connection side a world knows only from outside (the Linux kernel's, read from its socket
 * table): the state and the ports, no TCB variables.
 *
 * @param source where the state was read
 */
public record ObservedSide(String connection, TcpState state, Integer localPort, Integer remotePort, String source) {}
