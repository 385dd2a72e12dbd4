package org.tcplab.server.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import reactor.core.publisher.BaseSubscriber;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

/** The fan-out on synthetic events: resume without gaps or repeats, slow viewers cut off alone. */
class LabStreamTest {

    final EventLog log = new EventLog();
    final LabStream stream = new LabStream(JsonMapper.builder().build(), () -> {});

    LabStreamTest() {
        log.onAppend(stream::publish);
    }

    /** The lab appends under its lock; the viewer reads stored events under the same lock. */
    synchronized void emit(int n) {
        for (int i = 0; i < n; i++) log.emit(new LabEvent.Note(i, null, "n" + i));
    }

    synchronized List<LoggedEvent> stored(long after) {
        return log.after(after);
    }

    @Test
    void storedThenLiveInOrderWithoutGapsOrRepeats() {
        emit(10);
        StepVerifier.create(stream.viewer(4, this::stored, 64).map(StreamEvent::id))
                .expectNext(5L, 6L, 7L, 8L, 9L, 10L)
                .then(() -> emit(3))
                .expectNext(11L, 12L, 13L)
                .then(stream::complete)
                .verifyComplete();
    }

    @Test
    void eventsCarryTheSchemaJson() {
        emit(1);
        StepVerifier.create(stream.viewer(0, this::stored, 8).take(1))
                .assertNext(e ->
                        assertThat(e.json()).isEqualTo("{\"id\":1,\"time\":0.0,\"type\":\"note\",\"text\":\"n0\"}"))
                .verifyComplete();
    }

    @Test
    void subscribingWhileTheLabRunsMissesNothing() throws Exception {
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 2000; i++) emit(1);
        });
        producer.start();
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread.sleep(1);
        var d = stream.viewer(0, this::stored, 4096).subscribe(e -> {
            ids.add(e.id());
            if (e.id() == 2000) done.countDown();
        });
        producer.join();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
    }

    @Test
    void aViewerThatStopsReadingIsCutOffWhileOthersGetEverything() throws Exception {
        AtomicReference<Throwable> slowError = new AtomicReference<>();
        BaseSubscriber<StreamEvent> stalled = new BaseSubscriber<>() {
            @Override
            protected void hookOnSubscribe(Subscription s) {
                s.request(1);
            }

            @Override
            protected void hookOnNext(StreamEvent e) {
                /* never asks for more */
            }

            @Override
            protected void hookOnError(Throwable t) {
                slowError.set(t);
            }
        };
        stream.viewer(0, this::stored, 32).subscribe(stalled);
        List<List<Long>> healthy = new ArrayList<>();
        for (int v = 0; v < 100; v++) {
            List<Long> ids = new CopyOnWriteArrayList<>();
            healthy.add(ids);
            stream.viewer(0, this::stored, 1024).subscribe(e -> ids.add(e.id()));
        }
        emit(500);
        assertThat(slowError.get()).isInstanceOf(ViewerTooSlowException.class);
        for (List<Long> ids : healthy) {
            assertThat(ids).hasSize(500);
            assertThat(ids.get(0)).isEqualTo(1L);
            assertThat(ids.get(499)).isEqualTo(500L);
        }
        // The cut-off viewer resumes from its last id and misses nothing.
        StepVerifier.create(stream.viewer(1, this::stored, 1024).take(499).count())
                .expectNext(499L)
                .verifyComplete();
    }

    @Test
    void completingTheLabCompletesViewersAndDropsTheirSubscriptions() {
        StepVerifier.create(stream.viewer(0, this::stored, 8))
                .then(() -> assertThat(stream.viewers()).isEqualTo(1))
                .then(stream::complete)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(stream.viewers()).isZero();
    }
}
