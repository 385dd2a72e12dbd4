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
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The fan-out on synthetic events: resume without gaps or repeats, slow viewers cut off alone, bounded memory. */
class LabStreamTest {

    final JsonMapper json = JsonMapper.builder().build();
    final EventLog log = new EventLog();
    LabStream stream = new LabStream(json, () -> {}, 1024, 1 << 20, System::nanoTime);

    LabStreamTest() {
        log.onAppend(e -> stream.publish(e));
    }

    /** The lab appends under its log's lock; viewers read stored events under the same lock. */
    synchronized void emit(int n) {
        emit(n, "");
    }

    synchronized void emit(int n, String padding) {
        for (int i = 0; i < n; i++) log.emit(new LabEvent.Note(i, null, "n" + i + padding));
    }

    synchronized List<LoggedEvent> stored(long after, int limit) {
        return log.after(after, limit);
    }

    Flux<StreamEvent> viewer(long after) {
        return viewer(after, false);
    }

    /** Drains on the publishing thread: deterministic, like a socket that is always writable. */
    Flux<StreamEvent> viewer(long after, boolean batch) {
        return new StreamViewer(stream, after, this::stored, batch, Runnable::run).frames();
    }

    @Test
    void storedThenLiveInOrderWithoutGapsOrRepeats() {
        emit(10);
        StepVerifier.create(viewer(4).map(StreamEvent::id))
                .expectNext(5L, 6L, 7L, 8L, 9L, 10L)
                .then(() -> emit(3))
                .expectNext(11L, 12L, 13L)
                .then(stream::complete)
                .verifyComplete();
    }

    @Test
    void eventsCarryTheSchemaJson() {
        emit(1);
        StepVerifier.create(viewer(0).take(1))
                .assertNext(e ->
                        assertThat(e.json()).isEqualTo("{\"id\":1,\"time\":0.0,\"type\":\"note\",\"text\":\"n0\"}"))
                .verifyComplete();
    }

    @Test
    void everyViewerSendsTheSameBytesSerialisedOnce() {
        List<StreamEvent> a = new ArrayList<>();
        List<StreamEvent> b = new ArrayList<>();
        viewer(0).subscribe(a::add);
        viewer(0).subscribe(b::add);
        emit(3);
        assertThat(a).hasSize(3);
        for (int i = 0; i < 3; i++)
            assertThat(a.get(i).utf8()).isSameAs(b.get(i).utf8());
    }

    @Test
    void subscribingWhileTheLabRunsMissesNothing() throws Exception {
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 2000; i++) emit(1);
        });
        producer.start();
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        var d = new StreamViewer(stream, 0, this::stored, false, r -> reactor.core.scheduler.Schedulers.parallel()
                        .schedule(r))
                .frames()
                .subscribe(e -> {
                    ids.add(e.id());
                    if (e.id() == 2000) done.countDown();
                });
        producer.join();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
    }

    /** A subscriber that takes one frame and then never asks for more: a socket that stopped reading. */
    static final class Stalled extends BaseSubscriber<StreamEvent> {
        /** Why it was cut off, if it was. */
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(1);
        }

        @Override
        protected void hookOnNext(StreamEvent e) {
            /* never asks for more */
        }
    }

    /** A viewer from {@code after} that stalls after its first frame. */
    Stalled stalled(long after) {
        Stalled s = new Stalled();
        StreamViewer v = new StreamViewer(stream, after, this::stored, false, Runnable::run);
        v.cutOff().subscribe(null, s.error::set);
        v.frames().subscribe(s);
        return s;
    }

    @Test
    void aViewerThatStopsReadingIsCutOffWhileOthersGetEverything() {
        stream = new LabStream(json, () -> {}, 32, 1 << 20, System::nanoTime);
        Stalled stalled = stalled(0);
        List<List<Long>> healthy = new ArrayList<>();
        for (int v = 0; v < 100; v++) {
            List<Long> ids = new ArrayList<>();
            healthy.add(ids);
            viewer(0).subscribe(e -> ids.add(e.id()));
        }
        emit(500);
        assertThat(stalled.error.get()).isInstanceOf(ViewerTooSlowException.class);
        for (List<Long> ids : healthy) {
            assertThat(ids).hasSize(500);
            assertThat(ids.get(0)).isEqualTo(1L);
            assertThat(ids.get(499)).isEqualTo(500L);
        }
        // The cut-off viewer resumes from its last id and misses nothing.
        StepVerifier.create(viewer(1).take(499).count()).expectNext(499L).verifyComplete();
    }

    @Test
    void theBufferIsBoundedInBytesAsWellAsEvents() {
        // 10 events of about 1 kB fit in 64 events but not in 8 kB: the byte bound cuts the viewer off.
        stream = new LabStream(json, () -> {}, 64, 8 * 1024, System::nanoTime);
        Stalled stalled = stalled(0);
        emit(5, "x".repeat(1000));
        assertThat(stalled.error.get()).as("5 kB behind").isNull();
        emit(5, "x".repeat(1000));
        assertThat(stalled.error.get()).as("10 kB behind").isInstanceOf(ViewerTooSlowException.class);
        assertThat(stalled.error.get().getMessage()).contains("8192 bytes");
    }

    @Test
    void theWindowKeepsOnlyWhatViewersStillNeed() {
        List<Long> ids = new ArrayList<>();
        viewer(0).subscribe(e -> ids.add(e.id()));
        emit(100);
        assertThat(ids).hasSize(100);
        // Everyone has everything: nothing older than the newest event is kept for them.
        assertThat(stream.tailId()).isGreaterThanOrEqualTo(100);
        Stalled stalled = stalled(100);
        emit(100, "x".repeat(100));
        // One viewer needs events 102 onwards (it took 101): they stay, within the bounds.
        assertThat(stream.tailId()).isEqualTo(102);
        assertThat(stream.windowed(102)).isNotNull();
    }

    @Test
    void aBatchingViewerThatIsBehindGetsArraysOfEvents() {
        emit(300);
        List<JsonNode> frames = new ArrayList<>();
        viewer(0, true).subscribe(e -> frames.add(json.readTree(e.json())));
        emit(1);
        assertThat(frames.size()).isBetween(2, 3);
        List<Long> ids = new ArrayList<>();
        for (JsonNode frame : frames) {
            assertThat(frame.isArray()).isTrue();
            for (JsonNode e : frame) ids.add(e.get("id").asLong());
        }
        assertThat(ids).hasSize(301);
        for (int i = 0; i < ids.size(); i++) assertThat(ids.get(i)).isEqualTo(i + 1L);
    }

    @Test
    void completingTheLabCompletesViewersAndDropsTheirSubscriptions() {
        StepVerifier.create(viewer(0))
                .then(() -> assertThat(stream.viewers()).isEqualTo(1))
                .then(stream::complete)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(stream.viewers()).isZero();
    }
}
