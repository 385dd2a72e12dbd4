package org.tcplab.server.cluster;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tcplab.server.lab.LabCluster;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.Problems;

/**
 * Leases, cluster-wide limits and journal tails in Redis. A lease is a key holding its holder
 * ({@code "<instance id> <url>"}) with a time to live: taken with {@code SET NX}, renewed and given
 * up only by its holder (compare-and-set scripts), so when an instance dies its leases lapse within
 * {@code tcplab.cluster.lease-time} and another instance takes its labs over.
 */
public final class RedisLabCluster implements LabCluster {

    private static final String LEAD =
            """
            -- KEYS: lease, lab. ARGV: me, lease ms
            if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
            local holder = redis.call('GET', KEYS[1])
            if holder and holder ~= ARGV[1] then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """;

    private static final String RENEW =
            """
            -- KEYS: lease, lab, journal, labs. ARGV: me, lease ms, keep ms, expiry (epoch ms), lab id
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[3], ARGV[3])
            redis.call('ZADD', KEYS[4], ARGV[4], ARGV[5])
            return 1
            """;

    private static final String RESIGN =
            """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    private static final long WINDOW_MS = 60_000;

    /**
     * A client's window: {@code start} (epoch ms) and {@code n} creations in it. A new window starts
     * with the first creation after the last one ended (or if the clock went back). Answers
     * {1, start} when counted, {0, start} when the window is full.
     */
    private static final String COUNT =
            """
            -- KEYS: rate hash. ARGV: now, window ms, limit
            local now = tonumber(ARGV[1])
            local start = tonumber(redis.call('HGET', KEYS[1], 'start'))
            if not start or now - start >= tonumber(ARGV[2]) or now < start then
              redis.call('HSET', KEYS[1], 'start', now, 'n', 1)
              redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
              return {1, now}
            end
            if tonumber(redis.call('HGET', KEYS[1], 'n')) >= tonumber(ARGV[3]) then return {0, start} end
            redis.call('HINCRBY', KEYS[1], 'n', 1)
            return {1, start}
            """;

    /** Labs whose keys expired (their instance died and nobody came back) leave the count first. */
    private static final String ADMIT =
            """
            -- KEYS: labs. ARGV: now (epoch ms), max, lab id, expiry
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
            redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
            return 1
            """;

    /** Entries one XREAD returns per journal at most (they only say where the journal stands). */
    private static final int TAIL_BATCH = 256;

    private final RedisCommands<String, String> redis;
    /** A connection of its own: XREAD BLOCK holds it while it waits. */
    private final RedisCommands<String, String> tail;

    private final Instance self;
    private final String me;
    private final Duration leaseTime;
    private final Duration keep;
    private final Clock clock;

    public RedisLabCluster(
            RedisCommands<String, String> redis,
            RedisCommands<String, String> tail,
            Instance self,
            Duration leaseTime,
            Duration keep,
            Clock clock) {
        this.redis = redis;
        this.tail = tail;
        this.self = self;
        this.me = leaseValue(self);
        this.leaseTime = leaseTime;
        this.keep = keep;
        this.clock = clock;
    }

    static String leaseValue(Instance instance) {
        return instance.id() + " " + instance.url();
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public Instance self() {
        return self;
    }

    @Override
    public Optional<Instance> owner(String labId) {
        String holder = redis.get(RedisKeys.lease(labId));
        if (holder == null) return Optional.empty();
        int space = holder.indexOf(' ');
        return Optional.of(new Instance(holder.substring(0, space), holder.substring(space + 1)));
    }

    @Override
    public boolean exists(String labId) {
        return redis.exists(RedisKeys.lab(labId)) > 0;
    }

    @Override
    public boolean lead(String labId) {
        Long won = redis.eval(
                LEAD,
                ScriptOutputType.INTEGER,
                new String[] {RedisKeys.lease(labId), RedisKeys.lab(labId)},
                me,
                Long.toString(leaseTime.toMillis()));
        return won != null && won == 1;
    }

    @Override
    public Set<String> renew(Collection<String> labIds) {
        Set<String> lost = new HashSet<>();
        String expiry = Long.toString(clock.millis() + keep.toMillis());
        for (String id : labIds) {
            Long held = redis.eval(
                    RENEW,
                    ScriptOutputType.INTEGER,
                    new String[] {RedisKeys.lease(id), RedisKeys.lab(id), RedisKeys.journal(id), RedisKeys.LABS},
                    me,
                    Long.toString(leaseTime.toMillis()),
                    Long.toString(keep.toMillis()),
                    expiry,
                    id);
            if (held == null || held != 1) lost.add(id);
        }
        return lost;
    }

    @Override
    public void resign(String labId) {
        redis.eval(RESIGN, ScriptOutputType.INTEGER, new String[] {RedisKeys.lease(labId)}, me);
    }

    @Override
    public void admit(String labId, int max) {
        long now = clock.millis();
        Long admitted = redis.eval(
                ADMIT,
                ScriptOutputType.INTEGER,
                new String[] {RedisKeys.LABS},
                Long.toString(now),
                Integer.toString(max),
                labId,
                Long.toString(now + keep.toMillis()));
        if (admitted == null || admitted != 1) {
            throw LabProblem.of(
                    ProblemType.SERVER_FULL,
                    "the cluster runs its maximum of " + max
                            + " labs (tcplab.max-labs, counted over every instance); try again later or delete a"
                            + " lab you no longer need");
        }
    }

    /**
     * The same window as one instance's {@code RateWindow}: a minute from the client's first creation,
     * on this instance's clock (injected), counted in one hash per client address.
     */
    @Override
    public void countCreation(String clientKey, int perMinute) {
        long now = clock.millis();
        List<Long> counted = redis.eval(
                COUNT,
                ScriptOutputType.MULTI,
                new String[] {RedisKeys.rate(clientKey)},
                Long.toString(now),
                Long.toString(WINDOW_MS),
                Integer.toString(perMinute));
        if (counted.get(0) == 0) {
            Duration wait = Duration.ofMillis(Math.max(0, counted.get(1) + WINDOW_MS - now));
            throw LabProblem.tooMany(
                    ProblemType.RATE_LIMITED,
                    "at most " + perMinute
                            + " labs per minute from one address (tcplab.labs-per-client-per-minute, counted over"
                            + " every instance); try again in " + Problems.retryAfterSeconds(wait)
                            + " s, or reuse a lab you have",
                    wait);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Long> follow(Map<String, Long> applied, Duration block) {
        if (applied.isEmpty()) return Map.of();
        XReadArgs.StreamOffset<String>[] offsets = applied.entrySet().stream()
                .map(e -> XReadArgs.StreamOffset.from(RedisKeys.journal(e.getKey()), RedisKeys.streamId(e.getValue())))
                .toArray(XReadArgs.StreamOffset[]::new);
        List<StreamMessage<String, String>> messages =
                tail.xread(XReadArgs.Builder.block(block.toMillis()).count(TAIL_BATCH), offsets);
        Map<String, Long> last = new HashMap<>();
        String prefix = RedisKeys.journal("");
        if (messages != null) {
            for (StreamMessage<String, String> m : messages) {
                last.merge(m.getStream().substring(prefix.length()), RedisKeys.seq(m.getId()), Math::max);
            }
        }
        return last;
    }

    @Override
    public void seen(String labId, Duration ttl) {
        redis.set(RedisKeys.seen(labId), self.id(), SetArgs.Builder.px(ttl.toMillis()));
    }

    @Override
    public boolean seenElsewhere(String labId) {
        return redis.exists(RedisKeys.seen(labId)) > 0;
    }
}
