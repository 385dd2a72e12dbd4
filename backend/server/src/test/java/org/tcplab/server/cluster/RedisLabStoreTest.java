package org.tcplab.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tcplab.engine.lab.LabCommand;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabCluster;
import org.tcplab.server.lab.LabStore;
import org.tcplab.server.support.MutableClock;
import org.tcplab.server.support.RedisProcess;

/**
 * The store and the leases against a real redis-server: journals read back as written, appends
 * fenced by the lease and the journal's length, leases taken over only when they lapse, and the
 * cluster-wide counts (with a clock moved by hand).
 */
class RedisLabStoreTest {

    @TempDir
    static Path dir;

    static RedisProcess redis;
    static RedisClient client;
    static StatefulRedisConnection<String, String> connection;

    static final LabCluster.Instance A = new LabCluster.Instance("a", "http://127.0.0.1:1");
    static final LabCluster.Instance B = new LabCluster.Instance("b", "http://127.0.0.1:2");
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration KEEP = Duration.ofMinutes(30);

    @BeforeAll
    static void redis() throws Exception {
        assumeTrue(
                RedisProcess.binary().isPresent(),
                "no redis-server on this machine: apt-get install redis-server (.ci/run installs it)");
        redis = RedisProcess.start(dir.resolve("redis"));
        client = RedisClient.create(redis.url());
        connection = client.connect();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) client.shutdown();
        if (redis != null) redis.close();
    }

    private static RedisLabStore store(LabCluster.Instance self) {
        return new RedisLabStore(connection.sync(), self, LEASE, KEEP);
    }

    private static RedisLabCluster cluster(LabCluster.Instance self, MutableClock clock) {
        return new RedisLabCluster(connection.sync(), connection.sync(), self, LEASE, KEEP, clock);
    }

    private static LabStore.StoredLab lab(String id, List<JournalEntry> entries) {
        return new LabStore.StoredLab(
                id,
                new byte[] {1, 2, 3},
                org.tcplab.server.lab.LabSpec.defaults().settings(1),
                "instant",
                1.0,
                Instant.ofEpochMilli(5),
                0,
                entries);
    }

    private static JournalEntry listen(int port) {
        return new JournalEntry.Command(0, new LabCommand.Listen(org.tcplab.engine.event.HostName.SERVER, port, false));
    }

    @Test
    void aJournalReadsBackAsWrittenAndFromAnyPoint() {
        RedisLabStore a = store(A);
        a.create(lab("read-back", List.of(listen(80))));
        a.append("read-back", 2, List.of(listen(81), new JournalEntry.Note(7, "hello")));
        LabStore.StoredLab stored = a.load("read-back").orElseThrow();
        assertThat(stored.entries()).containsExactly(listen(80), listen(81), new JournalEntry.Note(7, "hello"));
        assertThat(stored.tokenHash()).containsExactly(1, 2, 3);
        assertThat(stored.settings())
                .isEqualTo(org.tcplab.server.lab.LabSpec.defaults().settings(1));
        assertThat(a.entriesAfter("read-back", 2)).containsExactly(new JournalEntry.Note(7, "hello"));
        assertThat(a.entriesAfter("read-back", 3)).isEmpty();
        a.delete("read-back");
        assertThat(a.load("read-back")).isEmpty();
    }

    @Test
    void onlyTheLeaseHolderAppendsAndOnlyRightAfterTheLastEntry() {
        RedisLabStore a = store(A);
        RedisLabStore b = store(B);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
        RedisLabCluster clusterA = cluster(A, clock);
        RedisLabCluster clusterB = cluster(B, clock);
        a.create(lab("fenced", List.of(listen(80))));

        assertThat(clusterB.owner("fenced")).contains(A);
        assertThat(clusterB.lead("fenced")).isFalse();
        assertThatThrownBy(() -> b.append("fenced", 2, List.of(listen(81)))).hasMessageContaining("LEASE");
        assertThatThrownBy(() -> a.append("fenced", 3, List.of(listen(81)))).hasMessageContaining("SEQ");

        // A gives the lab up (it stops); B takes it, and A, should it wake up, can no longer write.
        clusterA.resign("fenced");
        assertThat(clusterB.lead("fenced")).isTrue();
        b.append("fenced", 2, List.of(listen(81)));
        assertThatThrownBy(() -> a.append("fenced", 3, List.of(listen(82)))).hasMessageContaining("LEASE");
        assertThat(clusterA.renew(List.of("fenced"))).containsExactly("fenced");
        assertThat(clusterB.renew(List.of("fenced"))).isEmpty();
        assertThat(a.entriesAfter("fenced", 0)).containsExactly(listen(80), listen(81));
    }

    @Test
    void labsAndCreationsAreCountedOverTheCluster() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));
        RedisLabCluster a = cluster(A, clock);
        RedisLabCluster b = cluster(B, clock);
        connection.sync().del(RedisKeys.LABS);
        a.admit("x1", 2);
        b.admit("x2", 2);
        assertThatThrownBy(() -> a.admit("x3", 2)).hasMessageContaining("tcplab.max-labs");
        // Labs whose instance died and that nobody opened again leave the count when their keys expire.
        clock.advance(KEEP.plusSeconds(1));
        b.admit("x3", 2);

        // An address of its own per run: the window lives in Redis, which a rerun shares.
        String client = "198.51.100." + new java.util.Random().nextInt(250);
        a.countCreation(client, 2);
        b.countCreation(client, 2);
        assertThatThrownBy(() -> a.countCreation(client, 2))
                .isInstanceOf(org.tcplab.server.system.LabProblem.class)
                .hasMessageContaining("counted over every instance");
        clock.advance(Duration.ofMinutes(1));
        a.countCreation(client, 2);
    }
}
