package org.tcplab.tap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * Watches the kernel's state of the lab's connections in one namespace. Each watched 4-tuple (as
 * Linux sees it) is looked up exactly with {@link SockDiag}; if netlink is unavailable the whole
 * {@code /proc/net/tcp} is read instead (slow: it walks the shared connection hash). A tuple stays
 * watched while the kernel has it, and until 30 s after it was registered if the kernel never
 * showed it (or until the kernel lacks it after our end closed). Used by one thread (the lab's driver).
 */
final class LinuxObserver implements AutoCloseable {

    private static final long UNSEEN_TIMEOUT_US = 30_000_000;

    private final NetNamespace ns;
    private final Ipv4Address ip;
    private final SockDiag diag;
    private final LinuxStateTracker tracker = new LinuxStateTracker();
    private final Map<ConnectionKey, Long> watched = new LinkedHashMap<>();
    private final Set<ConnectionKey> seen = new LinkedHashSet<>();
    /** Connections whose other end (our stack) has closed: once the kernel lacks them too, they are done. */
    private final Set<ConnectionKey> otherEndClosed = new LinkedHashSet<>();

    LinuxObserver(NetNamespace ns, Ipv4Address ip) {
        this.ns = ns;
        this.ip = ip;
        SockDiag d;
        try {
            d = SockDiag.open(ns);
        } catch (RuntimeException | LinkageError e) {
            d = null;
        }
        this.diag = d;
    }

    /** How this observer reads the kernel (for the lab snapshot and the report). */
    String source() {
        return diag != null ? "sock_diag" : "/proc/net/tcp";
    }

    /** Starts (or restarts, for a reused 4-tuple) watching Linux's end of a connection. */
    void watch(ConnectionKey linuxKey, long nowUs) {
        watched.put(linuxKey, nowUs);
        seen.remove(linuxKey);
        otherEndClosed.remove(linuxKey);
    }

    /**
     * The other end of a watched connection has closed: when the kernel does not have it either, it
     * is over, even if no poll ever saw it (a handshake and a reset can both fall between two polls).
     * Without this, such a connection would stay watched, and looked up on every poll, for 30 s.
     */
    void otherEndClosed(ConnectionKey linuxKey) {
        if (watched.containsKey(linuxKey)) otherEndClosed.add(linuxKey);
    }

    /** Whether anything is watched (else polling can stop). */
    boolean active() {
        return !watched.isEmpty();
    }

    TcpState state(ConnectionKey linuxKey) {
        return tracker.state(linuxKey);
    }

    /** Looks at the kernel now and returns what changed since the last look. */
    List<LinuxStateTracker.Transition> poll(long nowUs, Collection<Integer> listeningPorts) {
        Map<ConnectionKey, TcpState> found = new LinkedHashMap<>();
        if (diag != null) {
            for (ConnectionKey k : watched.keySet()) {
                TcpState s = diag.state(k);
                if (s != null) {
                    found.put(k, s);
                }
            }
        } else {
            for (ProcNetTcp.Entry e : ProcNetTcp.read(ns.procNetTcp())) {
                if (watched.containsKey(e.key()) && e.state() != TcpState.LISTEN) {
                    found.put(e.key(), e.state());
                }
            }
        }
        List<ProcNetTcp.Entry> entries = new ArrayList<>();
        for (int port : listeningPorts) {
            entries.add(new ProcNetTcp.Entry(new ConnectionKey(ip, port, new Ipv4Address(0), 0), TcpState.LISTEN));
        }
        for (Map.Entry<ConnectionKey, TcpState> e : found.entrySet()) {
            entries.add(new ProcNetTcp.Entry(e.getKey(), e.getValue()));
            seen.add(e.getKey());
        }
        List<LinuxStateTracker.Transition> out = tracker.update(entries);
        for (Iterator<Map.Entry<ConnectionKey, Long>> it = watched.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<ConnectionKey, Long> w = it.next();
            boolean gone = !found.containsKey(w.getKey())
                    && (seen.contains(w.getKey())
                            || otherEndClosed.contains(w.getKey())
                            || nowUs - w.getValue() > UNSEEN_TIMEOUT_US);
            if (gone) {
                it.remove();
                seen.remove(w.getKey());
                otherEndClosed.remove(w.getKey());
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (diag != null) {
            diag.close();
        }
    }
}
