package org.tcplab.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.tcplab.engine.stack.ConnectionKey;

/**
 * A kernel lab's connection ids, "1", "2", ... in order of first appearance, for 4-tuples as one
 * chosen end sees them. A 4-tuple opened again by the lab gets a new id ({@link #fresh}), since the
 * kernel's connection on it is a new one. Ids are given on the lab's thread and read anywhere.
 */
final class ConnectionIds {

    private final Map<ConnectionKey, String> byKey = new ConcurrentHashMap<>();
    private final Map<String, ConnectionKey> byId = new ConcurrentHashMap<>();
    private int next = 1;

    /** The id of {@code key}, giving it the next one if it has none. */
    synchronized String register(ConnectionKey key) {
        String id = byKey.get(key);
        return id != null ? id : fresh(key);
    }

    /** A new id for {@code key}; an earlier id of the same 4-tuple keeps naming the old connection. */
    synchronized String fresh(ConnectionKey key) {
        String id = Integer.toString(next++);
        byKey.put(key, id);
        byId.put(id, key);
        return id;
    }

    /** The current id of {@code key}, or null. */
    String id(ConnectionKey key) {
        return byKey.get(key);
    }

    /** The 4-tuple of {@code id}, or null for an id never given. */
    ConnectionKey key(String id) {
        return id == null ? null : byId.get(id);
    }

    boolean contains(String id) {
        return id != null && byId.containsKey(id);
    }

    /** Every id given, in order. */
    synchronized List<String> ids() {
        List<String> out = new ArrayList<>(next - 1);
        for (int i = 1; i < next; i++) out.add(Integer.toString(i));
        return out;
    }
}
