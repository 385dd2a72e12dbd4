package org.tcplab.engine.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SchedulerTest {

    private final Scheduler scheduler = new Scheduler();
    private final List<String> ran = new ArrayList<>();

    private void at(long t, String name) {
        scheduler.schedule(t, () -> ran.add(name + "@" + scheduler.nowUs()));
    }

    @Test
    void runsByTimeThenByInsertionOrder() {
        at(30, "c");
        at(10, "a1");
        at(20, "b");
        at(10, "a2");
        assertThat(scheduler.runUntilIdle(100)).isTrue();
        assertThat(ran).containsExactly("a1@10", "a2@10", "b@20", "c@30");
        assertThat(scheduler.nowUs()).isEqualTo(30);
        assertThat(scheduler.executed()).isEqualTo(4);
    }

    @Test
    void occurrencesScheduledWhileRunningAtTheSameTimeRunAfterTheOnesAlreadyDue() {
        scheduler.schedule(5, () -> {
            ran.add("first");
            scheduler.schedule(5, () -> ran.add("spawned"));
        });
        at(5, "second");
        scheduler.runUntilIdle(10);
        assertThat(ran).containsExactly("first", "second@5", "spawned");
    }

    @Test
    void runUntilRunsWhatIsDueInclusiveAndMovesTheClock() {
        at(10, "a");
        at(20, "b");
        at(21, "c");
        scheduler.runUntil(20);
        assertThat(ran).containsExactly("a@10", "b@20");
        assertThat(scheduler.nowUs()).isEqualTo(20);
        scheduler.runUntil(15);
        assertThat(scheduler.nowUs()).as("the clock never goes back").isEqualTo(20);
        scheduler.runUntil(100);
        assertThat(ran).containsExactly("a@10", "b@20", "c@21");
        assertThat(scheduler.nowUs()).isEqualTo(100);
    }

    // The timeout turns the old endless loop into a failure instead of a hung build; it measures nothing.
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void runUntilTheEndOfTimeReturnsOnceNothingIsPending() {
        at(10, "a");
        at(Long.MAX_VALUE, "last");
        scheduler.runUntil(Long.MAX_VALUE);
        assertThat(ran).containsExactly("a@10", "last@" + Long.MAX_VALUE);
        assertThat(scheduler.idle()).isTrue();
        scheduler.runUntil(Long.MAX_VALUE);
        assertThat(scheduler.nowUs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void runUntilTheEndOfTimeOnAnEmptyQueueReturns() {
        scheduler.runUntil(Long.MAX_VALUE);
        assertThat(scheduler.nowUs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void stepRunsOneAndReportsIdle() {
        at(7, "a");
        at(9, "b");
        assertThat(scheduler.nextEventUs()).isEqualTo(7);
        assertThat(scheduler.step()).isTrue();
        assertThat(ran).containsExactly("a@7");
        assertThat(scheduler.nextEventUs()).isEqualTo(9);
        assertThat(scheduler.step()).isTrue();
        assertThat(scheduler.step()).isFalse();
        assertThat(scheduler.nextEventUs()).isEqualTo(Long.MAX_VALUE);
        assertThat(scheduler.idle()).isTrue();
    }

    @Test
    void cancelledOccurrencesNeitherRunNorCountAsPending() {
        Scheduler.Handle h = scheduler.schedule(5, () -> ran.add("cancelled"));
        at(8, "kept");
        h.cancel();
        assertThat(h.pending()).isFalse();
        assertThat(scheduler.nextEventUs()).isEqualTo(8);
        scheduler.runUntilIdle(10);
        assertThat(ran).containsExactly("kept@8");
        h.cancel(); // harmless after the fact
    }

    @Test
    void stepCapStopsARunThatNeverEnds() {
        Runnable[] again = new Runnable[1];
        again[0] = () -> scheduler.schedule(scheduler.nowUs() + 1, again[0]);
        scheduler.schedule(0, again[0]);
        assertThat(scheduler.runUntilIdle(1000)).isFalse();
        assertThat(scheduler.executed()).isEqualTo(1000);
        assertThat(scheduler.nowUs()).isEqualTo(999);
    }

    @Test
    void thePastCannotBeScheduled() {
        at(50, "a");
        scheduler.runUntilIdle(10);
        assertThatThrownBy(() -> scheduler.schedule(49, () -> {})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBoundedRunUntilStopsShortOfALoopAndCanGoOn() {
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            ran.add("tick");
            scheduler.schedule(scheduler.nowUs(), loop[0]);
        };
        scheduler.schedule(7, loop[0]);
        assertThat(scheduler.runUntil(100, 50)).isFalse();
        assertThat(ran).hasSize(50);
        assertThat(scheduler.nowUs()).as("the clock stays where the work is").isEqualTo(7);
        assertThat(scheduler.runUntil(100, 50)).isFalse();
        assertThat(ran).hasSize(100);
    }

    @Test
    void aBoundedRunUntilReachesItsTimeWhenNothingIsDue() {
        at(10, "a");
        at(200, "late");
        assertThat(scheduler.runUntil(100, 5)).isTrue();
        assertThat(ran).containsExactly("a@10");
        assertThat(scheduler.nowUs()).isEqualTo(100);
        // An empty queue ends even an endless target at once.
        Scheduler empty = new Scheduler();
        assertThat(empty.runUntil(Long.MAX_VALUE, 5)).isTrue();
    }
}
