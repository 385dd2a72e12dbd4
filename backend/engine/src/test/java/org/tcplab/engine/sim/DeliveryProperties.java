package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.tcp.TcpState;

/**
 * Whatever the link does (drop, duplicate, reorder, corrupt, delay, at random), TCP delivers every
 * byte once and in order, and both ends finish CLOSED after close and TIME-WAIT, unless the lab
 * reports an error (a connection that gave up is allowed; a silent loss is not).
 */
class DeliveryProperties {

    @Property(tries = 200)
    void everyByteArrivesOnceAndInOrderAndBothEndsClose(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll("faults") LabRun.Faults faults,
            @ForAll("payload") byte[] up,
            @ForAll("smallPayload") byte[] down) {
        LabRun run = new LabRun(seed, new LinkConfig(5_000, 2_000, 0, 1500, 1000), faults);
        run.run(up, down);
        boolean error = run.log.all().stream().map(LoggedEvent::event).anyMatch(e -> e instanceof LabEvent.ErrorRaised);
        Statistics.label("outcome").collect(error ? "error reported" : "delivered and closed");
        if (error) return;
        assertThat(EventText.sha256(run.received(HostName.SERVER))).isEqualTo(EventText.sha256(up));
        assertThat(EventText.sha256(run.received(HostName.CLIENT))).isEqualTo(EventText.sha256(down));
        assertThat(run.state(HostName.CLIENT)).isEqualTo(TcpState.CLOSED);
        assertThat(run.state(HostName.SERVER)).isEqualTo(TcpState.CLOSED);
    }

    @Provide
    Arbitrary<LabRun.Faults> faults() {
        Arbitrary<Double> p = Arbitraries.doubles().between(0, 0.2).ofScale(2);
        return Combinators.combine(p, p, p, p, p).as(LabRun.Faults::new);
    }

    @Provide
    Arbitrary<byte[]> payload() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(20_000);
    }

    @Provide
    Arbitrary<byte[]> smallPayload() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(3_000);
    }
}
