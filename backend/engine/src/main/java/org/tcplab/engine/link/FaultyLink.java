package org.tcplab.engine.link;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.time.Scheduler;

/**
 * Fault injection as a decorator around a plain link (style principle 9): every packet entering
 * the link is checked against the rules in id order and the first rule that fires acts on it;
 * the others do not see it. Every choice that looks random comes from the seeded source, so a seed
 * replays the same faults.
 *
 * <p>Matching: direction, {@code flags} (has all), {@code onlyFlags} (exactly), {@code connection};
 * a rule counts the segments it matches and acts from the {@code nth} on, at most {@code count}
 * times (0: no limit), each time with {@code probability} (1: always, 0: never; in between a
 * draw from the seeded source, made only for candidates so other rules' draws do not shift).
 *
 * <p>Delay and reorder work on the far side of the inner link: the packet crosses the wire
 * normally, then is held before it reaches the receiver.
 */
public final class FaultyLink implements Link {

    /** How long a reorder fault holds a segment when its rule gives no {@code delayUs}. */
    public static final long DEFAULT_REORDER_HOLD_US = 200_000;

    private final Scheduler scheduler;
    private final EventSink events;
    private final SplittableRandom random;
    private final LinkReceiver receiver;
    private final SegmentCopier copier;
    private final Link inner;
    private final FaultRules rules;
    private final Map<Long, Long> delayed = new LinkedHashMap<>();
    private final Map<Long, Held> heldById = new LinkedHashMap<>();
    private final List<Held> held = new ArrayList<>();

    /**
     * @param innerFactory builds the decorated link around the receiver this decorator gives it
     */
    public FaultyLink(
            Function<LinkReceiver, Link> innerFactory,
            Scheduler scheduler,
            EventSink events,
            SplittableRandom random,
            LinkReceiver receiver,
            SegmentCopier copier) {
        this.scheduler = scheduler;
        this.events = events;
        this.random = random;
        this.rules = new FaultRules(random);
        this.receiver = receiver;
        this.copier = copier;
        this.inner = innerFactory.apply(this::arrived);
    }

    @Override
    public LinkConfig config() {
        return inner.config();
    }

    @Override
    public void configure(LinkConfig config) {
        inner.configure(config);
    }

    /** Validates the rule, gives it the next id (1, 2, ...) and returns it. */
    public FaultRule add(FaultRule rule) {
        return rules.add(rule);
    }

    public boolean remove(int id) {
        return rules.remove(id);
    }

    public List<FaultRule> rules() {
        return rules.rules();
    }

    @Override
    public void transmit(Packet packet) {
        // The reorder contract is "held until the next segment in that direction": this is that one.
        for (Held h : held) {
            if (h.releaserId < 0 && h.packet.from() == packet.from()) h.releaserId = packet.segmentId();
        }
        FaultRule rule = rules.match(packet.from(), packet.flags(), packet.connection());
        if (rule != null) {
            events.emit(new LabEvent.FaultApplied(
                    scheduler.nowUs(),
                    packet.connection(),
                    rule.id(),
                    packet.segmentId(),
                    rule.action().id()));
            apply(rule, packet);
            return;
        }
        inner.transmit(packet);
    }

    private void apply(FaultRule rule, Packet packet) {
        switch (rule.action()) {
            case DROP ->
                events.emit(new LabEvent.SegmentDropped(
                        scheduler.nowUs(), packet.connection(), packet.segmentId(), null, "fault"));
            case DELAY -> {
                delayed.put(packet.segmentId(), rule.delayUs());
                inner.transmit(packet);
            }
            case DUPLICATE -> {
                inner.transmit(packet);
                inner.transmit(copier.copy(packet));
            }
            case REORDER -> {
                long bound = rule.delayUs() > 0 ? rule.delayUs() : DEFAULT_REORDER_HOLD_US;
                Held h = new Held(packet, bound);
                held.add(h);
                heldById.put(packet.segmentId(), h);
                inner.transmit(packet);
            }
            case CORRUPT -> inner.transmit(packet.withBytes(flipOneBit(packet)));
        }
    }

    /**
     * One bit of the TCP part flipped: the one's complement checksum (RFC 9293 §3.1) catches every
     * single-bit error, so the receiver drops it on "checksum" while the IP header still routes it.
     * The data-offset byte is spared so the flip shows up as a bad checksum, not a bad layout.
     */
    private byte[] flipOneBit(Packet packet) {
        byte[] copy = packet.bytes().clone();
        int from = packet.tcpOffset();
        if (from < 0 || copy.length - from <= 13) {
            // Too short to have a TCP header worth sparing: flip anywhere.
            if (copy.length > 0) {
                int bit = random.nextInt(copy.length * 8);
                copy[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            return copy;
        }
        int bit = random.nextInt((copy.length - from - 1) * 8);
        int index = from + bit / 8;
        if (index >= from + 12) index++;
        copy[index] ^= (byte) (1 << (bit % 8));
        return copy;
    }

    /** The inner link delivered a packet: hold it if a fault says so, else pass it on. */
    private void arrived(Packet packet) {
        Long delay = delayed.remove(packet.segmentId());
        if (delay != null) {
            scheduler.schedule(scheduler.nowUs() + delay, () -> deliver(packet));
            return;
        }
        Held h = heldById.get(packet.segmentId());
        if (h != null && !h.arrived) {
            h.arrived = true;
            scheduler.schedule(scheduler.nowUs() + h.boundUs, () -> release(h));
            return;
        }
        deliver(packet);
    }

    private void deliver(Packet packet) {
        receiver.deliver(packet);
        // Release, right behind it, whatever waited for this segment to overtake it.
        List<Held> due = new ArrayList<>();
        for (Held h : held) {
            if (h.releaserId == packet.segmentId()) due.add(h);
        }
        for (Held h : due) {
            if (h.arrived) {
                release(h);
            } else {
                // The held packet never came off the wire (the inner link dropped it): forget it.
                forget(h);
            }
        }
    }

    private void release(Held h) {
        if (h.released) return;
        forget(h);
        deliver(h.packet);
    }

    private void forget(Held h) {
        h.released = true;
        held.remove(h);
        heldById.remove(h.packet.segmentId());
    }

    private static final class Held {
        final Packet packet;
        final long boundUs;
        long releaserId = -1;
        boolean arrived;
        boolean released;

        Held(Packet packet, long boundUs) {
            this.packet = packet;
            this.boundUs = boundUs;
        }
    }
}
