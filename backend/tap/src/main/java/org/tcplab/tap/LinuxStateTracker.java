package org.tcplab.tap;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;

/**
 * Turns successive {@code /proc/net/tcp} snapshots into state transitions of Linux's connections.
 * A connection that appears starts from LISTEN if Linux listens on its local port (a passive open),
 * else from CLOSED; one that disappears (or shows state 07 CLOSE) has gone to CLOSED. Listening
 * sockets themselves are not connections and produce no transitions. Polling can miss a state that
 * lasts less than the polling period; the lifeline then jumps, which is what was observed.
 */
final class LinuxStateTracker {

    /** One observed change of one connection, keyed as Linux sees it (local = Linux). */
    record Transition(ConnectionKey key, TcpState from, TcpState to) {}

    private final Map<ConnectionKey, TcpState> states = new LinkedHashMap<>();

    List<Transition> update(List<ProcNetTcp.Entry> entries) {
        Set<Integer> listening = new TreeSet<>();
        Map<ConnectionKey, TcpState> now = new LinkedHashMap<>();
        for (ProcNetTcp.Entry e : entries) {
            if (e.state() == TcpState.LISTEN) {
                listening.add(e.key().localPort());
            } else if (e.key().remotePort() != 0 && e.state() != TcpState.CLOSED) {
                now.put(e.key(), e.state());
            }
        }
        List<Transition> out = new ArrayList<>();
        for (Map.Entry<ConnectionKey, TcpState> e : now.entrySet()) {
            TcpState before = states.get(e.getKey());
            if (before == null) {
                // Accepted connections share the listener's port; a SYN_RECEIVED lasting less than one
                // polling period may never be seen, so the port (not the state) marks a passive open.
                TcpState from = listening.contains(e.getKey().localPort()) ? TcpState.LISTEN : TcpState.CLOSED;
                out.add(new Transition(e.getKey(), from, e.getValue()));
            } else if (before != e.getValue()) {
                out.add(new Transition(e.getKey(), before, e.getValue()));
            }
        }
        for (Map.Entry<ConnectionKey, TcpState> e : states.entrySet()) {
            if (!now.containsKey(e.getKey())) {
                out.add(new Transition(e.getKey(), e.getValue(), TcpState.CLOSED));
            }
        }
        states.clear();
        states.putAll(now);
        return out;
    }

    /** The last observed state, CLOSED if the connection is not (or no longer) in the table. */
    TcpState state(ConnectionKey linuxKey) {
        return states.getOrDefault(linuxKey, TcpState.CLOSED);
    }

    boolean tracking() {
        return !states.isEmpty();
    }
}
