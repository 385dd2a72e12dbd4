package org.tcplab.engine.link;

import org.tcplab.engine.InvalidArgumentException;

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

    /** Refuses a link no wire could be (the lab API's field names); returns it otherwise. */
    public static LinkConfig check(LinkConfig l) {
        if (l == null) throw new InvalidArgumentException("link", "link is required");
        if (l.latencyUs() < 0) bad("link.latencyMs", "link.latencyMs must not be negative");
        if (l.jitterUs() < 0) bad("link.jitterMs", "link.jitterMs must not be negative");
        if (l.bandwidthKbps() < 0) bad("link.bandwidthKbps", "link.bandwidthKbps must not be negative");
        if (l.mtu() < 68) bad("link.mtu", "link.mtu must be at least 68 (RFC 791): " + l.mtu());
        if (l.queuePackets() < 0) bad("link.queuePackets", "link.queuePackets must not be negative");
        return l;
    }

    private static void bad(String field, String message) {
        throw new InvalidArgumentException(field, message);
    }
}
