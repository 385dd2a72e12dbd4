package org.tcplab.engine.link;

/**
 * The simulated wire between the two hosts, the same both ways.
 *
 * @param latencyUs one-way propagation delay
 * @param jitterUs extra delay drawn uniformly from [0, jitterUs] per packet (seeded); never reorders
 *     unless a reorder fault says so
 * @param bandwidthKbps serialisation rate; 0 means unlimited
 * @param mtu the largest IPv4 packet the link carries; larger ones are dropped ("mtu")
 * @param queuePackets packets waiting for serialisation per direction before tail drop ("queue")
 */
public record LinkConfig(long latencyUs, long jitterUs, long bandwidthKbps, int mtu, int queuePackets) {

    public static LinkConfig defaults() {
        return new LinkConfig(10_000, 0, 0, 1500, 1000);
    }
}
