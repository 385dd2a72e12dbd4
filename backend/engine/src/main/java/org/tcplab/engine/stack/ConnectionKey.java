package org.tcplab.engine.stack;

import org.tcplab.engine.wire.Ipv4Address;

/** A connection's 4-tuple seen from one host (RFC 9293 §3.1: local and foreign sockets). */
public record ConnectionKey(Ipv4Address localIp, int localPort, Ipv4Address remoteIp, int remotePort) {

    /** The same connection seen from the other end. */
    public ConnectionKey reversed() {
        return new ConnectionKey(remoteIp, remotePort, localIp, localPort);
    }

    // Written out: every segment a host receives looks its connection up by this key.
    @Override
    public boolean equals(Object o) {
        return o instanceof ConnectionKey k
                && k.localPort == localPort
                && k.remotePort == remotePort
                && k.localIp.bits() == localIp.bits()
                && k.remoteIp.bits() == remoteIp.bits();
    }

    @Override
    public int hashCode() {
        return ((localIp.bits() * 31 + localPort) * 31 + remoteIp.bits()) * 31 + remotePort;
    }

    @Override
    public String toString() {
        return localIp + ":" + localPort + "-" + remoteIp + ":" + remotePort;
    }
}
