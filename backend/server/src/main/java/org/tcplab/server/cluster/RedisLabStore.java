package org.tcplab.server.cluster;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabCluster;
import org.tcplab.server.lab.LabStore;
import org.tcplab.server.store.JournalCodec;

/**
 * Labs in Redis (cluster mode): a hash per lab and its journal as a stream. Every write is one Lua
 * script, so it is atomic, and an append is fenced: it is refused unless this instance holds the
 * lab's lease (or nobody does) and the journal holds exactly the entries before it. An instance that
 * lost its lease (a long pause) cannot write after the instance that took the lab over.
 *
 * <p>A lab's keys expire {@code keep} (tcplab.idle-timeout) after its owner last renewed them, so
 * a lab whose instance died and that nobody opens again does not stay in Redis for ever.
 */
public final class RedisLabStore implements LabStore {

    /** XRANGE page size while reading a journal. */
    private static final int PAGE = 1000;

    private static final String CREATE =
            """
            -- KEYS: lab, journal, lease. ARGV: owner, lease ms, keep ms, field count, fields..., entries...
            if redis.call('EXISTS', KEYS[1]) == 1 then return redis.error_reply('EXISTS lab id taken') end
            local n = tonumber(ARGV[4])
            local fields = {}
            for i = 5, 4 + n do fields[#fields + 1] = ARGV[i] end
            redis.call('HSET', KEYS[1], unpack(fields))
            local seq = 0
            for i = 5 + n, #ARGV do
              seq = seq + 1
              redis.call('XADD', KEYS[2], '0-' .. seq, 'e', ARGV[i])
            end
            redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            if seq > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
            return seq
            """;

    private static final String APPEND =
            """
            -- KEYS: lab, journal, lease. ARGV: owner, lease ms, keep ms, first seq, entries...
            if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('GONE the lab was deleted') end
            local holder = redis.call('GET', KEYS[3])
            if holder and holder ~= ARGV[1] then return redis.error_reply('LEASE the lab is run by ' .. holder) end
            local first = tonumber(ARGV[4])
            local len = redis.call('XLEN', KEYS[2])
            if len ~= first - 1 then
              return redis.error_reply('SEQ the journal has ' .. len .. ' entries, not ' .. (first - 1))
            end
            for i = 5, #ARGV do redis.call('XADD', KEYS[2], '0-' .. (first + i - 5), 'e', ARGV[i]) end
            redis.call('SET', KEYS[3], ARGV[1], 'PX', ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            return len + #ARGV - 4
            """;

    private final RedisCommands<String, String> redis;
    private final String owner;
    private final Duration leaseTime;
    private final Duration keep;

    public RedisLabStore(
            RedisCommands<String, String> redis, LabCluster.Instance self, Duration leaseTime, Duration keep) {
        this.redis = redis;
        this.owner = RedisLabCluster.leaseValue(self);
        this.leaseTime = leaseTime;
        this.keep = keep;
    }

    @Override
    public void create(StoredLab lab) {
        List<String> args =
                new ArrayList<>(List.of(owner, Long.toString(leaseTime.toMillis()), Long.toString(keep.toMillis())));
        List<String> fields = List.of(
                "token", Base64.getEncoder().encodeToString(lab.tokenHash()),
                "settings", JournalCodec.write(lab.settings()),
                "clock", lab.clock(),
                "timeScale", Double.toString(lab.timeScale()),
                "created", Long.toString(lab.created().toEpochMilli()),
                "mode", lab.settings().mode(),
                "lastEventId", Long.toString(lab.lastEventId()));
        args.add(Integer.toString(fields.size()));
        args.addAll(fields);
        for (JournalEntry e : lab.entries()) args.add(JournalCodec.write(e));
        String id = lab.id();
        redis.eval(
                CREATE,
                ScriptOutputType.INTEGER,
                new String[] {RedisKeys.lab(id), RedisKeys.journal(id), RedisKeys.lease(id)},
                args.toArray(String[]::new));
    }

    @Override
    public void append(String labId, long firstSeq, List<JournalEntry> entries) {
        if (entries.isEmpty()) return;
        List<String> args = new ArrayList<>(List.of(
                owner, Long.toString(leaseTime.toMillis()), Long.toString(keep.toMillis()), Long.toString(firstSeq)));
        for (JournalEntry e : entries) args.add(JournalCodec.write(e));
        redis.eval(
                APPEND,
                ScriptOutputType.INTEGER,
                new String[] {RedisKeys.lab(labId), RedisKeys.journal(labId), RedisKeys.lease(labId)},
                args.toArray(String[]::new));
    }

    @Override
    public void lastEventId(String labId, long lastEventId) {
        if (redis.exists(RedisKeys.lab(labId)) > 0) {
            redis.hset(RedisKeys.lab(labId), "lastEventId", Long.toString(lastEventId));
        }
    }

    @Override
    public void delete(String labId) {
        redis.del(RedisKeys.lab(labId), RedisKeys.journal(labId), RedisKeys.lease(labId), RedisKeys.seen(labId));
        redis.zrem(RedisKeys.LABS, labId);
    }

    @Override
    public void forEach(Consumer<StoredLab> each) {
        for (String id : redis.zrange(RedisKeys.LABS, 0, -1)) load(id).ifPresent(each);
    }

    @Override
    public Optional<StoredLab> load(String labId) {
        List<JournalEntry> entries = entriesAfter(labId, 0);
        Map<String, String> h = redis.hgetall(RedisKeys.lab(labId));
        if (h == null || h.isEmpty()) return Optional.empty();
        return Optional.of(new StoredLab(
                labId,
                Base64.getDecoder().decode(h.get("token")),
                JournalCodec.readSettings(h.get("settings")),
                h.get("clock"),
                Double.parseDouble(h.get("timeScale")),
                Instant.ofEpochMilli(Long.parseLong(h.get("created"))),
                Long.parseLong(h.getOrDefault("lastEventId", "0")),
                entries));
    }

    @Override
    public List<JournalEntry> entriesAfter(String labId, long applied) {
        List<JournalEntry> entries = new ArrayList<>();
        long after = applied;
        while (true) {
            List<StreamMessage<String, String>> page = redis.xrange(
                    RedisKeys.journal(labId), Range.create(RedisKeys.streamId(after + 1), "+"), Limit.from(PAGE));
            for (StreamMessage<String, String> m : page) {
                entries.add(JournalCodec.readEntry(m.getBody().get("e")));
                after = RedisKeys.seq(m.getId());
            }
            if (page.size() < PAGE) return entries;
        }
    }
}
