package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.time.LabClock;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;

/** How the kernel labs run and stop: the injected clock, a stuck driver, a driver that fails. */
class TapLabLifecycleTest {

    private final Recorder rec = new Recorder();

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    /** Real time as the test holds it: the scheduler waits for it, it moves when the test says. */
    static final class HandClock implements LabClock {
        volatile long nowUs;

        @Override
        public long nowUs() {
            return nowUs;
        }

        @Override
        public boolean reach(long atUs) {
            return atUs <= nowUs;
        }

        @Override
        public boolean realTime() {
            return true;
        }
    }

    @Test
    void aDelayFaultHoldsOurSynUntilTheLabsClockSaysSo() throws Exception {
        HandClock clock = new HandClock();
        TapLabConfig base = TapLabConfig.defaults("server");
        // Linux's states are looked at once, at the start: the only thing pending is then the held SYN.
        TapLabConfig config = new TapLabConfig(
                base.linuxSide(),
                base.linuxIp(),
                base.ourIp(),
                base.prefixLength(),
                base.tcp(),
                base.seed(),
                base.sysctls(),
                60_000_000);
        try (TapLab lab = TapLab.start(config, rec, StackHost.ENGINE, clock, 10_000)) {
            HostName ours = lab.ourHost();
            HostName linux = lab.linuxHost();
            lab.listen(linux, 8080);
            lab.addFault(new FaultRule(
                    0, Direction.CLIENT_TO_SERVER, null, TcpFlags.SYN, null, 1, 1, 1.0, FaultAction.DELAY, 500_000));
            String c = lab.connect(ours, 40000, 8080, SeqNum.of(1), null);
            LabEvent.FaultApplied held = rec.await(LabEvent.FaultApplied.class, f -> true, 3000);
            assertThat(held.timeUs()).isZero();
            // The same link and fault engine as the simulation: the SYN waits on the lab's scheduler
            // (once the driver has taken it off the link; each call is a round trip to the driver).
            for (int i = 0; i < 10_000 && lab.nextEventUs() != 500_000; i++) Thread.onSpinWait();
            assertThat(lab.nextEventUs()).isEqualTo(500_000);
            clock.nowUs = 500_000;
            lab.nextEventUs(); // any call wakes the driver, which finds the delay over
            LabEvent.SegmentDelivered toLinux = rec.await(
                    LabEvent.SegmentDelivered.class, d -> d.segmentId() == held.segmentId() && d.to() == linux, 3000);
            assertThat(toLinux.timeUs())
                    .as("not a moment before the clock said")
                    .isEqualTo(500_000);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == ours && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);
        }
    }

    @Test
    void closingALabWhoseDriverIsStuckLeavesTheDeviceToTheDriver() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        EventSink sink = e -> {
            if (e instanceof LabEvent.StateChanged) {
                stuck.countDown();
                await(release); // a sink that does not return holds the driver
            }
        };
        TapLab lab = TapLab.start(TapLabConfig.defaults("server"), sink, StackHost.ENGINE, new WallClock(), 200);
        CompletableFuture<String> connect =
                CompletableFuture.supplyAsync(() -> lab.connect(lab.ourHost(), 40000, 8080, null, null));
        assertThat(stuck.await(5, TimeUnit.SECONDS)).isTrue();
        String namespace = lab.namespace().name();

        lab.close();
        assertThat(lab.deviceOpen())
                .as("a driver that may still poll its descriptor must not find it closed (and reused) under it")
                .isTrue();
        assertThat(NetNamespace.list()).as("the namespace goes at once").doesNotContain(namespace);
        assertThatThrownBy(() -> lab.listen(lab.ourHost(), 80))
                .isInstanceOf(TcpUserException.class)
                .hasMessageContaining("closed");

        release.countDown();
        assertThat(lab.awaitDriverExit(5_000)).isTrue();
        assertThat(lab.deviceOpen()).as("closed by the driver as it exits").isFalse();
        connect.handle((id, failure) -> id).get(5, TimeUnit.SECONDS);
    }

    @Test
    void aLinuxPairWhoseDriverFailsSaysSoAtOnceInsteadOfLettingCallersWait() throws Exception {
        EventSink sink = e -> {
            if (e instanceof LabEvent.SegmentSent) throw new IllegalStateException("the sink broke");
            rec.emit(e);
        };
        try (LinuxPairLab lab = LinuxPairLab.start(TapLabConfig.defaults("both"), sink)) {
            lab.listen(HostName.SERVER, 8080);
            lab.connect(HostName.CLIENT, 0, 8080, null, null);
            assertThat(lab.awaitDriverExit(5_000))
                    .as("the first captured segment breaks the driver")
                    .isTrue();
            assertThat(lab.running()).isFalse();
            assertThat(rec.await(LabEvent.Note.class, n -> true, 1000).text()).contains("the sink broke");
            assertThatThrownBy(() -> lab.connect(HostName.CLIENT, 0, 8080, null, null))
                    .isInstanceOf(TcpUserException.class)
                    .hasMessageContaining(
                            "has stopped: the lab stopped: java.lang.IllegalStateException: the sink broke");
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
