package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.tcplab.engine.tcp.TcpUserException;

/** Work handed to the owning thread: answers, exceptions, and an owner that stops (no kernel needed). */
class ConfinedExecutorTest {

    private final AtomicInteger wakes = new AtomicInteger();
    private final ConfinedExecutor executor = new ConfinedExecutor("the test's owner", wakes::incrementAndGet, 30_000);
    private final Thread owner = new Thread(() -> {
        executor.own();
        executor.runUntilClosed();
    });

    @AfterEach
    void stop() throws InterruptedException {
        executor.close("the test ended");
        owner.join(5_000);
    }

    @Test
    void callsRunOnTheOwnerAndBringBackItsAnswerOrItsException() {
        owner.start();
        assertThat(executor.call(() -> Thread.currentThread() == owner)).isTrue();
        assertThat(wakes.get()).as("the owner was woken for the work").isPositive();
        // The owner's own call runs inline (no queue, no deadlock).
        assertThat(executor.call(() -> executor.call(() -> 42))).isEqualTo(42);
        assertThatThrownBy(() -> executor.call(() -> {
                    throw new TcpUserException("connection does not exist");
                }))
                .isInstanceOf(TcpUserException.class)
                .hasMessage("connection does not exist");
        assertThatThrownBy(() -> executor.call(() -> {
                    throw new java.io.IOException("the disk is gone");
                }))
                .isInstanceOf(TapException.class)
                .hasMessage("the disk is gone");
    }

    @Test
    @Timeout(30)
    void closingFailsTheWaitingCallersAndEveryLaterCallAtOnce() throws Exception {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        owner.start();
        executor.post(() -> {
            busy.countDown();
            await(release);
        });
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> executor.call(() -> "never"));
        // The queued call is there once the owner has something besides the blocking task to do.
        while (!executor.pending()) Thread.onSpinWait();
        executor.close("the lab stopped: boom");
        assertThat(waiting)
                .failsWithin(5, TimeUnit.SECONDS)
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .havingCause()
                .isInstanceOf(TapException.class)
                .withMessageContaining("has stopped: the lab stopped: boom");
        assertThatThrownBy(() -> executor.call(() -> "later"))
                .isInstanceOf(TapException.class)
                .hasMessage("the test's owner has stopped: the lab stopped: boom");
        release.countDown();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
