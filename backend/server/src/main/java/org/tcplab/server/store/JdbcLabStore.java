package org.tcplab.server.store;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabStore;

/**
 * The embedded store: H2 in a file under {@code tcplab.data-dir} (see {@link StoreConfig}), schema
 * by Flyway ({@code db/migration}). H2 runs with {@code WRITE_DELAY=0}, so a commit is in the file
 * when it returns and survives kill -9.
 */
public final class JdbcLabStore implements LabStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public JdbcLabStore(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public void create(StoredLab lab) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("insert into lab (id, token_hash, settings, clock, time_scale, created, last_event_id)"
                            + " values (?, ?, ?, ?, ?, ?, ?)")
                    .params(
                            lab.id(),
                            lab.tokenHash(),
                            JournalCodec.write(lab.settings()),
                            lab.clock(),
                            lab.timeScale(),
                            Timestamp.from(lab.created()),
                            lab.lastEventId())
                    .update();
            insert(lab.id(), 1, lab.entries());
        });
    }

    @Override
    public void append(String labId, long firstSeq, List<JournalEntry> entries) {
        if (entries.isEmpty()) return;
        tx.executeWithoutResult(s -> insert(labId, firstSeq, entries));
    }

    private void insert(String labId, long firstSeq, List<JournalEntry> entries) {
        long seq = firstSeq;
        for (JournalEntry e : entries) {
            jdbc.sql("insert into journal (lab_id, seq, entry) values (?, ?, ?)")
                    .params(labId, seq++, JournalCodec.write(e))
                    .update();
        }
    }

    @Override
    public void lastEventId(String labId, long lastEventId) {
        jdbc.sql("update lab set last_event_id = ? where id = ?")
                .params(lastEventId, labId)
                .update();
    }

    @Override
    public void delete(String labId) {
        jdbc.sql("delete from lab where id = ?").param(labId).update();
    }

    @Override
    public void forEach(Consumer<StoredLab> each) {
        List<String> ids = jdbc.sql("select id from lab order by created, id")
                .query(String.class)
                .list();
        for (String id : ids) load(id).ifPresent(each);
    }

    @Override
    public Optional<StoredLab> load(String id) {
        List<JournalEntry> entries = entriesAfter(id, 0);
        return jdbc.sql(
                        "select id, token_hash, settings, clock, time_scale, created, last_event_id from lab where id = ?")
                .param(id)
                .query((rs, n) -> new StoredLab(
                        rs.getString(1),
                        rs.getBytes(2),
                        JournalCodec.readSettings(rs.getString(3)),
                        rs.getString(4),
                        rs.getDouble(5),
                        rs.getTimestamp(6).toInstant(),
                        rs.getLong(7),
                        entries))
                .optional();
    }

    @Override
    public List<JournalEntry> entriesAfter(String labId, long applied) {
        return new ArrayList<>(jdbc.sql("select entry from journal where lab_id = ? and seq > ? order by seq")
                .params(labId, applied)
                .query((rs, n) -> JournalCodec.readEntry(rs.getString(1)))
                .list());
    }
}
