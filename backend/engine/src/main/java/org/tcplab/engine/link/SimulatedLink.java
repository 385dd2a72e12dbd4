package org.tcplab.engine.link;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.time.Scheduler;

/**
 * The plain wire: per direction, an MTU check, a FIFO queue in front of a transmitter of
 * {@code bandwidthKbps} (tail drop when more than {@code queuePackets} wait), then {@code latencyUs}
 * plus seeded jitter of propagation. Jitter never lets a packet overtake the one before it in the
 * same direction (a single path keeps order); only a fault may reorder.
 */
public final class SimulatedLink implements Link {

    private final Scheduler scheduler;
    private final EventSink events;
    private final SplittableRandom jitter;
    private final LinkReceiver receiver;
    private final Map<HostName, Lane> lanes = new EnumMap<>(HostName.class);
    private LinkConfig config;

    public SimulatedLink(
            LinkConfig config, Scheduler scheduler, EventSink events, SplittableRandom jitter, LinkReceiver receiver) {
        this.config = config;
        this.scheduler = scheduler;
        this.events = events;
        this.jitter = jitter;
        this.receiver = receiver;
        for (HostName h : HostName.values()) lanes.put(h, new Lane());
    }

    @Override
    public LinkConfig config() {
        return config;
    }

    @Override
    public void configure(LinkConfig config) {
        this.config = config;
    }

    @Override
    public void transmit(Packet packet) {
        long now = scheduler.nowUs();
        if (packet.length() > config.mtu()) {
            // No fragmentation: our hosts always set DF (RFC 791 §3.2), so an oversize packet dies here.
            drop(packet, "mtu");
            return;
        }
        Lane lane = lanes.get(packet.from());
        long departure = now;
        if (config.bandwidthKbps() > 0) {
            while (!lane.finishTimes.isEmpty() && lane.finishTimes.peekFirst() <= now) {
                lane.finishTimes.pollFirst();
            }
            // The head of the deque is on the wire; the rest wait in the queue.
            int waiting = Math.max(0, lane.finishTimes.size() - 1);
            if (!lane.finishTimes.isEmpty() && waiting >= config.queuePackets()) {
                drop(packet, "queue");
                return;
            }
            long start = lane.finishTimes.isEmpty() ? now : Math.max(now, lane.finishTimes.peekLast());
            departure = start + serialisationUs(packet.length(), config.bandwidthKbps());
            lane.finishTimes.addLast(departure);
        }
        long arrival = departure + config.latencyUs();
        if (config.jitterUs() > 0) arrival += jitter.nextLong(config.jitterUs() + 1);
        arrival = Math.max(arrival, lane.lastArrivalUs);
        lane.lastArrivalUs = arrival;
        scheduler.schedule(arrival, () -> receiver.deliver(packet));
    }

    /** Time to clock {@code bytes} onto a wire of {@code kbps} (1 kbit/s = 1000 bit/s), rounded up. */
    public static long serialisationUs(int bytes, long kbps) {
        long bitsTimesThousand = bytes * 8L * 1000L;
        return (bitsTimesThousand + kbps - 1) / kbps;
    }

    private void drop(Packet packet, String reason) {
        events.emit(
                new LabEvent.SegmentDropped(scheduler.nowUs(), packet.connection(), packet.segmentId(), null, reason));
    }

    private static final class Lane {
        final ArrayDeque<Long> finishTimes = new ArrayDeque<>();
        long lastArrivalUs = Long.MIN_VALUE;
    }
}
