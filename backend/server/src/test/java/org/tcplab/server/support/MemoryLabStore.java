package org.tcplab.server.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tcplab.server.lab.JournalEntry;
import org.tcplab.server.lab.LabStore;

/** A store in a map, for tests of a lab on its own; it checks that entries arrive in order. */
public final class MemoryLabStore implements LabStore {

    private final Map<String, StoredLab> labs = new LinkedHashMap<>();
    private final Map<String, List<JournalEntry>> journals = new LinkedHashMap<>();

    @Override
    public synchronized void create(StoredLab lab) {
        labs.put(lab.id(), lab);
        journals.put(lab.id(), new ArrayList<>(lab.entries()));
    }

    @Override
    public synchronized void append(String labId, long firstSeq, List<JournalEntry> entries) {
        List<JournalEntry> journal = journals.computeIfAbsent(labId, k -> new ArrayList<>());
        if (firstSeq != journal.size() + 1) {
            throw new IllegalStateException("entry " + firstSeq + " after " + journal.size());
        }
        journal.addAll(entries);
    }

    @Override
    public synchronized void lastEventId(String labId, long lastEventId) {}

    @Override
    public synchronized void delete(String labId) {
        labs.remove(labId);
        journals.remove(labId);
    }

    @Override
    public synchronized void forEach(Consumer<StoredLab> each) {
        labs.values().forEach(each);
    }

    @Override
    public synchronized java.util.Optional<StoredLab> load(String labId) {
        StoredLab lab = labs.get(labId);
        if (lab == null) return java.util.Optional.empty();
        return java.util.Optional.of(new StoredLab(
                lab.id(),
                lab.tokenHash(),
                lab.settings(),
                lab.clock(),
                lab.timeScale(),
                lab.created(),
                lab.lastEventId(),
                journal(labId)));
    }

    @Override
    public synchronized List<JournalEntry> entriesAfter(String labId, long applied) {
        List<JournalEntry> all = journal(labId);
        return all.subList((int) Math.min(applied, all.size()), all.size());
    }

    public synchronized List<JournalEntry> journal(String labId) {
        return List.copyOf(journals.getOrDefault(labId, List.of()));
    }
}
