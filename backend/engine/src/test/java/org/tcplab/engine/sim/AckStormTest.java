package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.event.HostName.CLIENT;
import static org.tcplab.engine.event.HostName.SERVER;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Issue 8's ACK war, at the engine: a 0 ms link, timestamps and SACK off, an established
 * connection, and one data byte injected "from the client" with the client's own SND.NXT. The
 * server accepts it, so its RCV.NXT is one past anything the real client sent; from then on the
 * server's ACK acknowledges unsent data (the client answers with an RFC 5961 challenge ACK) and
 * the client's ACK is below the server's window (the server answers with a duplicate ACK). Without
 * ACK throttling the two trade ACKs forever at one virtual instant, and the clock never moves.
 */
class AckStormTest {

    /** Far more steps than a settled storm needs; an unthrottled storm uses them all at one instant. */
    private static final int STEP_BOUND = 20_000;

    private static final long MS = 1_000;

    private final EventLog log = new EventLog();
    private Simulation sim;
    private String conn;

    private void establish(TcpConfig tcp) {
        TcpConfig cfg = tcp.withTimestamps(false).withSack(false);
        SimConfig base = SimConfig.defaults(8);
        sim = new Simulation(
                new SimConfig(
                        base.seed(), new LinkConfig(0, 0, 0, 1500, 1000), cfg, cfg, base.clientIp(), base.serverIp()),
                log);
        sim.listen(SERVER, 80);
        conn = sim.connect(CLIENT, 40000, 80, null, null, false);
        assertThat(sim.runUntilIdle(10_000)).isTrue();
        assertThat(snapshot(SERVER).state()).isEqualTo(TcpState.ESTABLISHED);
        sim.runUntil(sim.nowUs() + 1_000 * MS);
    }

    private ConnectionSnapshot snapshot(org.tcplab.engine.event.HostName side) {
        return sim.host(side).connection(sim.connectionKey(conn, side)).orElseThrow();
    }

    /** The spoofed byte: from the client's address and port, at the client's own SND.NXT. */
    private long injectSpoofedByte() {
        ConnectionSnapshot client = snapshot(CLIENT);
        sim.inject(
                CLIENT,
                TcpSegment.builder(40000, 80)
                        .seq(client.sndNxt())
                        .ack(client.rcvNxt())
                        .window(65535)
                        .payload("X".getBytes(StandardCharsets.US_ASCII))
                        .build(),
                0);
        return sim.nowUs();
    }

    /** Runs step by step while the clock stays at {@code atUs}; returns the steps (at most the bound). */
    private int stepsAtOneInstant(long atUs) {
        int steps = 0;
        while (steps < STEP_BOUND && sim.nextEventUs() == atUs) {
            sim.step();
            steps++;
        }
        return steps;
    }

    private List<LabEvent> eventsFrom(long fromUs) {
        List<LabEvent> out = new ArrayList<>();
        for (LoggedEvent e : log.all()) if (e.event().timeUs() >= fromUs) out.add(e.event());
        return out;
    }

    /** Segments sent in each 100 ms of virtual time from {@code fromUs}, over {@code buckets} buckets. */
    private int[] segmentsPer100ms(long fromUs, int buckets) {
        int[] counts = new int[buckets];
        for (LabEvent e : eventsFrom(fromUs)) {
            if (!(e instanceof LabEvent.SegmentSent)) continue;
            int bucket = (int) ((e.timeUs() - fromUs) / (100 * MS));
            if (bucket < buckets) counts[bucket]++;
        }
        return counts;
    }

    @Test
    void aSpoofedByteStartsAnAckWarThatTheRateLimitEnds() {
        establish(TcpConfig.defaults());
        long t0 = injectSpoofedByte();
        // The server delays its ACK of the byte (40 ms), then the war starts at that instant.
        int atInjection = stepsAtOneInstant(t0);
        long warAt = sim.nextEventUs();
        int atWar = stepsAtOneInstant(warAt);
        assertThat(atInjection + atWar)
                .as("steps at one virtual instant (unbounded, i.e. %d, before ACK throttling)", STEP_BOUND)
                .isLessThan(50);
        // 100 ms of lab time (issue 8's `advance {"ms":100}`) now finishes, in a handful of steps.
        long before = sim.stepsRun();
        sim.runUntil(t0 + 100 * MS);
        long advanceSteps = sim.stepsRun() - before + atInjection + atWar;
        assertThat(sim.runUntilIdle(STEP_BOUND)).as("the lab settles").isTrue();

        int[] per100ms = segmentsPer100ms(t0, 20);
        int peak = java.util.Arrays.stream(per100ms).max().orElseThrow();
        System.out.printf(
                "ACK storm: steps at the war's instant %d, advance 100 ms took %d steps, segments per 100 ms %s%n",
                atWar, advanceSteps, java.util.Arrays.toString(per100ms));
        // The spoofed byte, the server's ACK, one challenge ACK, one duplicate ACK; the next challenge ACK is
        // suppressed and nothing answers anything any more.
        assertThat(peak).as("segments per 100 ms during the storm").isLessThanOrEqualTo(4);
        assertThat(eventsFrom(t0))
                .filteredOn(LabEvent.SegmentSent.class::isInstance)
                .extracting(e -> ((LabEvent.SegmentSent) e).from())
                .containsExactly(CLIENT, SERVER, CLIENT, SERVER);
        assertThat(eventsFrom(t0))
                .filteredOn(LabEvent.AckSuppressed.class::isInstance)
                .map(LabEvent.AckSuppressed.class::cast)
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.host()).isEqualTo(CLIENT);
                    assertThat(s.reason()).isEqualTo(LabEvent.AckSuppression.CHALLENGE_ACK_RATE_LIMIT);
                    assertThat(s.timeUs()).isEqualTo(warAt);
                });
        // The hijack itself: the server's application got the spoofed byte, and both ends stay ESTABLISHED.
        assertThat(new String(sim.received(conn, SERVER), StandardCharsets.US_ASCII))
                .isEqualTo("X");
        assertThat(snapshot(CLIENT).state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(snapshot(SERVER).state()).isEqualTo(TcpState.ESTABLISHED);
    }

    @Test
    void withTheLimitOffTheWarNeverLeavesItsInstant() {
        establish(TcpConfig.defaults().withInvalidAckIntervalUs(0));
        long t0 = injectSpoofedByte();
        stepsAtOneInstant(t0);
        long warAt = sim.nextEventUs();
        assertThat(stepsAtOneInstant(warAt)).isEqualTo(STEP_BOUND);
        assertThat(sim.nextEventUs()).as("the clock is stuck").isEqualTo(warAt);
        long sent = eventsFrom(warAt).stream()
                .filter(LabEvent.SegmentSent.class::isInstance)
                .count();
        assertThat(sent).as("segments at one instant").isGreaterThan(STEP_BOUND / 4);
        assertThat(eventsFrom(t0)).noneMatch(LabEvent.AckSuppressed.class::isInstance);
    }

    @Test
    void theRealClientsNextDataResynchronisesButItsFirstByteIsLost() {
        establish(TcpConfig.defaults());
        injectSpoofedByte();
        assertThat(sim.runUntilIdle(STEP_BOUND)).isTrue();
        sim.send(conn, CLIENT, "hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(sim.runUntilIdle(STEP_BOUND)).isTrue();
        // The server had taken the spoofed X for the client's next byte, so it drops the real 'h' as old.
        assertThat(new String(sim.received(conn, SERVER), StandardCharsets.US_ASCII))
                .isEqualTo("Xello");
        assertThat(snapshot(CLIENT).sndUna()).isEqualTo(snapshot(CLIENT).sndNxt());
        assertThat(snapshot(SERVER).rcvNxt()).isEqualTo(snapshot(CLIENT).sndNxt());
    }
}
