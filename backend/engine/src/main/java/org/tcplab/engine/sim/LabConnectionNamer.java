package org.tcplab.engine.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionNamer;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * The lab's connection ids: "1", "2", ... in order of first appearance of a 4-tuple, the same id
 * for both ends (the tuple is normalised, so a.b:x-c.d:y and c.d:y-a.b:x are one connection).
 * Insertion-ordered maps only, so nothing depends on hash iteration order.
 */
public final class LabConnectionNamer implements ConnectionNamer {

    private final Map<Tuple, String> ids = new LinkedHashMap<>();
    private final List<Tuple> tuples = new ArrayList<>();

    @Override
    public String name(HostName host, ConnectionKey key) {
        Tuple t = Tuple.of(key);
        String id = ids.get(t);
        if (id == null) {
            tuples.add(t);
            id = Integer.toString(tuples.size());
            ids.put(t, id);
        }
        return id;
    }

    /** The id already given to this 4-tuple (either direction), or null: looking does not name. */
    public String find(ConnectionKey key) {
        return ids.get(Tuple.of(key));
    }

    /**
     * The connection {@code id} as seen from the end whose address is {@code localIp}.
     *
     * @throws InvalidArgumentException for an id never given out (field {@code connection})
     */
    public ConnectionKey key(String id, Ipv4Address localIp) {
        int index;
        try {
            index = Integer.parseInt(id) - 1;
        } catch (NumberFormatException e) {
            index = -1;
        }
        if (index < 0 || index >= tuples.size())
            throw new InvalidArgumentException("connection", "unknown connection: " + id);
        Tuple t = tuples.get(index);
        if (t.hiIp == localIp.bits() && t.loIp != localIp.bits()) {
            return new ConnectionKey(localIp, t.hiPort, new Ipv4Address(t.loIp), t.loPort);
        }
        return new ConnectionKey(new Ipv4Address(t.loIp), t.loPort, new Ipv4Address(t.hiIp), t.hiPort);
    }

    /** Every id given out, in order. */
    public List<String> ids() {
        return List.copyOf(ids.values());
    }

    private record Tuple(int loIp, int loPort, int hiIp, int hiPort) {
        static Tuple of(ConnectionKey k) {
            int a = k.localIp().bits();
            int b = k.remoteIp().bits();
            int c = Integer.compareUnsigned(a, b);
            boolean localFirst = c < 0 || (c == 0 && k.localPort() <= k.remotePort());
            return localFirst
                    ? new Tuple(a, k.localPort(), b, k.remotePort())
                    : new Tuple(b, k.remotePort(), a, k.localPort());
        }
    }
}
