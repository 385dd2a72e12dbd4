package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.server.stream.LabStream;
import org.tcplab.server.support.FakeLabDriver;
import org.tcplab.server.support.ManualWallClock;
import org.tcplab.server.support.MemoryLabStore;
import org.tcplab.server.system.LabProblem;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every unit of a lab's work is bounded in steps and in wall time, a stopped lab stops at once, and
 * nobody waits for a busy lab without a timeout. Wall time is a clock the runaway itself moves, so
 * nothing here depends on how fast the machine is.
 */
class LabWorkBoundsTest {

    final ManualWallClock wall = new ManualWallClock();
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    FakeLabDriver driver;

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    Lab lab(ClockMode clock, LabLimits limits) {
        LabStream stream = new LabStream(JsonMapper.builder().build(), () -> {}, 64, 1 << 20, wall::nanos);
        Lab lab = new Lab(
                "lab1",
                Lab.hash("t"),
                new LabSettings("sim", SimConfig.defaults(1), "server"),
                clock,
                1.0,
                false,
                limits,
                wall::nanos,
                stream,
                pool,
                new MemoryLabStore(),
                0);
        driver = new FakeLabDriver(lab.settings(), lab.sink());
        lab.attach(driver, true);
        return lab;
    }

    static LabLimits limits(int maxEvents, long maxSteps, Duration maxRun) {
        return new LabLimits(maxEvents, 1L << 30, maxSteps, maxRun, Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    /** Each occurrence of the runaway takes 10 µs of (manual) wall time. */
    AtomicLong runaway() {
        AtomicLong runs = new AtomicLong();
        driver.loopForever(() -> {
            runs.incrementAndGet();
            wall.advanceNanos(10_000);
        });
        return runs;
    }

    List<String> notes(Lab lab) {
        return lab.events(0, 100_000).stream()
                .map(LoggedEvent::event)
                .filter(e -> e instanceof LabEvent.Note)
                .map(e -> ((LabEvent.Note) e).text())
                .toList();
    }

    @Test
    void aStepAdvanceInALoopEndsAtItsWallTimeBudgetWithANote() {
        Lab lab = lab(ClockMode.STEP, limits(1_000_000, Long.MAX_VALUE, Duration.ofMillis(200)));
        AtomicLong runs = lab.read(v -> runaway());
        Lab.AdvanceResult r = lab.advance(100_000L, null);
        assertThat(r.complete()).isFalse();
        // 200 ms at 10 µs a step is 20,000 steps, checked between chunks of 1,024.
        assertThat(runs.get()).isBetween(20_000L, 20_000L + Lab.CHUNK);
        assertThat(notes(lab))
                .singleElement()
                .asString()
                .contains("advance stopped", "tcplab.max-run-time", "advance again");
        // It recovers: once the loop is gone, the next advance completes.
        lab.read(v -> {
            driver.clearPending();
            return null;
        });
        assertThat(lab.advance(1_000L, null).complete()).isTrue();
    }

    @Test
    void anInstantChangeInALoopEndsAtItsStepBudgetWithANote() {
        Lab lab = lab(ClockMode.INSTANT, limits(1_000_000, 5_000, Duration.ofHours(1)));
        AtomicLong runs = lab.read(v -> runaway());
        lab.change(d -> null);
        assertThat(runs.get()).isBetween(4_000L, 5_000L);
        assertThat(notes(lab))
                .singleElement()
                .asString()
                .contains("instant clock stopped after 5000 steps", "tcplab.instant-max-steps", "step clock");
    }

    @Test
    void aLabStoppedByItsEventLimitStopsSimulatingWithinOneChunk() {
        Lab lab = lab(ClockMode.STEP, limits(100, Long.MAX_VALUE, Duration.ofHours(1)));
        AtomicLong runs = new AtomicLong();
        lab.read(v -> {
            driver.loopForever(() -> {
                runs.incrementAndGet();
                driver.emit(new LabEvent.Note(0, null, "ack"));
            });
            return null;
        });
        Lab.AdvanceResult r = lab.advance(100_000L, null);
        assertThat(r.complete()).isFalse();
        assertThat(lab.stopped()).isTrue();
        assertThat(runs.get()).isLessThanOrEqualTo(100 + Lab.CHUNK);
        assertThat(notes(lab).get(notes(lab).size() - 1)).contains("event limit reached", "create a new lab");
        assertThatThrownBy(() -> lab.advance(1L, null))
                .isInstanceOf(LabProblem.class)
                .hasMessageContaining("stopped");
    }

    @Test
    void theByteLimitStopsTheLabLikeTheEventLimit() {
        Lab lab = lab(
                ClockMode.INSTANT,
                new LabLimits(
                        1_000_000,
                        20_000,
                        1_000_000,
                        Duration.ofHours(1),
                        Duration.ofMillis(10),
                        Duration.ofSeconds(5)));
        lab.change(d -> {
            d.listen(org.tcplab.engine.event.HostName.SERVER, 80);
            return null;
        });
        String c = lab.change(d -> d.connect(org.tcplab.engine.event.HostName.CLIENT, 40000, 80, null, null, false));
        assertThat(lab.retainedBytes()).isLessThan(20_000);
        for (int i = 0; i < 5; i++) {
            if (lab.stopped()) break;
            lab.change(d -> {
                d.send(c, org.tcplab.engine.event.HostName.CLIENT, new byte[6_000]);
                return null;
            });
        }
        assertThat(lab.stopped()).isTrue();
        assertThat(lab.retainedBytes()).isLessThan(20_000 + 1_000);
        assertThat(notes(lab).get(notes(lab).size() - 1))
                .contains("memory limit reached", "tcplab.max-bytes-per-lab", "create a new lab");
        assertThatThrownBy(() -> lab.change(d -> null))
                .isInstanceOf(LabProblem.class)
                .hasMessageContaining("memory limit");
    }

    @Test
    void aRequestThatCannotStartInTimeIsRefusedWithRetryAfterAndNeverRuns() throws Exception {
        Lab lab = lab(
                ClockMode.INSTANT,
                new LabLimits(
                        1000, 1 << 20, 1000, Duration.ofMillis(1500), Duration.ofMillis(10), Duration.ofMillis(100)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        // Earlier work that keeps the lab busy (as a long run would).
        Mono<Object> busy = lab.async(() -> {
            holding.countDown();
            release.await(10, TimeUnit.SECONDS);
            return null;
        });
        busy.subscribe();
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> lab.async(ran::incrementAndGet).block(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(LabProblem.class, p -> {
                    assertThat(p.status().value()).isEqualTo(503);
                    assertThat(p.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(p.getMessage()).contains("lab lab1 is busy", "tcplab.max-run-time", "retry in 2 s");
                });
        release.countDown();
        // It recovers, and the refused request never ran.
        assertThat(lab.async(() -> "ok").block(Duration.ofSeconds(5))).isEqualTo("ok");
        assertThat(ran.get()).isZero();
    }

    @Test
    void theRealtimeClockQueuesAtMostOneTickPerLab() throws Exception {
        Lab lab = lab(ClockMode.REALTIME, limits(1000, 1000, Duration.ofSeconds(1)));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        lab.async(() -> {
                    holding.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                })
                .subscribe();
        assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 100; i++) lab.tick();
        assertThat(lab.waiting()).isEqualTo(1);
        release.countDown();
    }
}
