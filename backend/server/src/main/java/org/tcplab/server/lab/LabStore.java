package org.tcplab.server.lab;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where labs outlive the process: each lab's settings, its token's hash and its journal. The
 * embedded database ({@code store.JdbcLabStore}) is the default. Calls block: make them on a lab's
 * executor or another worker, never on an event loop. A write that returned is durable (it survives
 * kill -9), so a command is acknowledged only after its journal entries were appended.
 */
public interface LabStore {

    /** A lab as stored: enough to rebuild it. {@code entries} are in journal order. */
    record StoredLab(
            String id,
            byte[] tokenHash,
            LabSettings settings,
            String clock,
            double timeScale,
            Instant created,
            long lastEventId,
            List<JournalEntry> entries) {}

    void create(StoredLab lab);

    /** Appends {@code entries} after the {@code firstSeq - 1} entries already stored for the lab. */
    void append(String labId, long firstSeq, List<JournalEntry> entries);

    /** The last event id the lab is known to have logged (only tap labs, which cannot be replayed, need it). */
    void lastEventId(String labId, long lastEventId);

    void delete(String labId);

    /** Every stored lab, one at a time (a lab's journal is read whole). */
    void forEach(Consumer<StoredLab> each);

    /** One stored lab with its whole journal, if it is stored. */
    Optional<StoredLab> load(String labId);

    /**
     * The lab's journal entries after the first {@code applied} ones, in order (empty when there are
     * none yet): how an instance that follows a lab another one runs catches up (cluster mode).
     */
    List<JournalEntry> entriesAfter(String labId, long applied);
}
