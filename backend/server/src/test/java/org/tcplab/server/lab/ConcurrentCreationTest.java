package org.tcplab.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.server.support.FakeLabDriver;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;

/**
 * Lab creation is admitted atomically but not serialised: while one world takes long to set up (a
 * TAP namespace), other labs are created; the one being set up holds its place against
 * tcplab.max-labs; a world that fails to set up gives its place back.
 */
@SpringBootTest(properties = {"tcplab.max-labs=2", "tcplab.labs-per-client-per-minute=100"})
@Import(ConcurrentCreationTest.SlowWorlds.class)
class ConcurrentCreationTest {

    /** New for each test (the factories are beans of the shared context). */
    static volatile CountDownLatch entered;

    static volatile CountDownLatch release;

    /** Mode {@code slow} waits until released; mode {@code broken} fails to set up. */
    @TestConfiguration
    static class SlowWorlds {
        @Bean
        LabWorldFactory slowWorlds() {
            return new LabWorldFactory() {
                @Override
                public String mode() {
                    return "slow";
                }

                @Override
                public LabWorld create(LabSettings settings, EventSink events) {
                    entered.countDown();
                    try {
                        assertThat(release.await(60, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return new FakeLabDriver(settings, events);
                }
            };
        }

        @Bean
        LabWorldFactory brokenWorlds() {
            return new LabWorldFactory() {
                @Override
                public String mode() {
                    return "broken";
                }

                @Override
                public LabWorld create(LabSettings settings, EventSink events) {
                    throw new IllegalStateException("no namespace today");
                }
            };
        }
    }

    @Autowired
    LabService labs;

    @BeforeEach
    void latches() {
        entered = new CountDownLatch(1);
        release = new CountDownLatch(1);
    }

    @AfterEach
    void removeLabs() {
        release.countDown();
        labs.all().forEach(labs::delete);
    }

    private static LabSettings settings(String mode) {
        return new LabSettings(mode, SimConfig.defaults(1), "server");
    }

    @Test
    void aSlowSetupDelaysOnlyItselfAndHoldsItsPlace() throws Exception {
        CompletableFuture<Lab> slow =
                CompletableFuture.supplyAsync(() -> labs.create(settings("slow"), ClockMode.STEP, 1.0, "10.1.0.1"));
        assertThat(entered.await(60, TimeUnit.SECONDS)).isTrue();

        // Created while the slow one is still being set up (a synchronized create would wait here).
        Lab quick = labs.create(settings("sim"), ClockMode.STEP, 1.0, "10.1.0.2");
        assertThat(labs.size()).isEqualTo(1);
        assertThat(slow).isNotDone();

        // Two places taken (one lab live, one being made): the third is refused at once.
        assertThatThrownBy(() -> labs.create(settings("sim"), ClockMode.STEP, 1.0, "10.1.0.3"))
                .isInstanceOfSatisfying(
                        LabProblem.class, p -> assertThat(p.type()).isEqualTo(ProblemType.SERVER_FULL));

        release.countDown();
        Lab made = slow.get(60, TimeUnit.SECONDS);
        assertThat(labs.all()).containsExactlyInAnyOrder(quick, made);
    }

    @Test
    void aFailedSetupGivesItsPlaceBack() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> labs.create(settings("broken"), ClockMode.STEP, 1.0, "10.2.0.1"))
                    .hasMessageContaining("no namespace today");
        }
        labs.create(settings("sim"), ClockMode.STEP, 1.0, "10.2.0.1");
        labs.create(settings("sim"), ClockMode.STEP, 1.0, "10.2.0.1");
        assertThat(labs.size()).isEqualTo(2);
    }
}
