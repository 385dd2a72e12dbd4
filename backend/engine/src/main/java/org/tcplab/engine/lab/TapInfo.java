package org.tcplab.engine.lab;

import java.util.List;

/**
 * What a lab facing the Linux kernel shows about its network (the snapshot's {@code tap}); filled
 * by {@code backend/tap}. Addresses and MACs as text; {@code linuxMac} is null until ARP told us.
 */
public record TapInfo(
        String namespace,
        String device,
        String linuxSide,
        String linuxIp,
        String ourIp,
        String linuxMac,
        String ourMac,
        List<Integer> linuxListeners) {

    public TapInfo {
        linuxListeners = List.copyOf(linuxListeners);
    }
}
