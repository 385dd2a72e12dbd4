package org.tcplab.engine.sim;

import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;

/** Everything that defines a simulated lab's start: same config and same actions, same events. */
public record SimConfig(
        long seed, LinkConfig link, TcpConfig client, TcpConfig server, Ipv4Address clientIp, Ipv4Address serverIp) {

    public static SimConfig defaults(long seed) {
        return new SimConfig(
                seed,
                LinkConfig.defaults(),
                TcpConfig.defaults(),
                TcpConfig.defaults(),
                Ipv4Address.CLIENT_DEFAULT,
                Ipv4Address.SERVER_DEFAULT);
    }
}
