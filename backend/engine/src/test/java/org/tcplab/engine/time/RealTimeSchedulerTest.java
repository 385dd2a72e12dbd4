package org.tcplab.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduler on a clock that follows real time (a TAP lab's), moved here by hand. */
class RealTimeSchedulerTest {

    /** Real time as a test holds it: it moves only when the test says, and the scheduler cannot move it. */
    static final class HandClock implements LabClock {
        long nowUs;

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

    private final HandClock clock = new HandClock();
    private final Scheduler scheduler = new Scheduler(clock);
    private final List<String> ran = new ArrayList<>();

    private void at(long t, String name) {
        scheduler.schedule(t, () -> ran.add(name + "@" + scheduler.nowUs()));
    }

    @Test
    void onlyWhatIsDueRunsAndTimeIsNotMovedAhead() {
        at(10, "a");
        at(30, "b");
        assertThat(scheduler.step()).as("nothing is due at 0").isFalse();
        scheduler.runUntil(100);
        assertThat(ran).isEmpty();
        assertThat(scheduler.nowUs()).as("real time cannot be moved").isZero();
        clock.nowUs = 15;
        scheduler.runUntil(100);
        assertThat(ran).containsExactly("a@15");
        assertThat(scheduler.nextEventUs()).isEqualTo(30);
        assertThat(scheduler.runUntilIdle(10)).as("b is still pending").isFalse();
        clock.nowUs = 40;
        assertThat(scheduler.runUntilIdle(10)).isTrue();
        assertThat(ran).containsExactly("a@15", "b@40");
    }

    @Test
    void aTimeAlreadyPastIsDueNotRefused() {
        clock.nowUs = 500;
        at(400, "late");
        at(450, "later");
        scheduler.runUntil(500);
        assertThat(ran).as("in time order, at the real time they ran").containsExactly("late@500", "later@500");
    }

    @Test
    void aWakeupIsReplannedAndCancelled() {
        int[] woke = {0};
        Wakeup w = new Wakeup(scheduler, () -> woke[0]++);
        w.at(100);
        w.at(50);
        assertThat(w.pending()).isTrue();
        assertThat(scheduler.nextEventUs()).isEqualTo(50);
        clock.nowUs = 200;
        scheduler.runUntil(200);
        assertThat(woke[0]).as("one wake-up, at the last plan").isEqualTo(1);
        assertThat(w.pending()).isFalse();
        w.at(300);
        w.at(Long.MAX_VALUE);
        clock.nowUs = 400;
        scheduler.runUntil(400);
        assertThat(woke[0]).isEqualTo(1);
    }
}
