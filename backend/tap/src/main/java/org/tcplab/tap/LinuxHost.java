package org.tcplab.tap;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.Ipv4Address;

/**
 * A host played by the Linux kernel: its listening sockets (an accept thread each) and its ends of
 * the lab's connections ({@link LinuxConnection}), all created inside the lab's namespace. The lab
 * gives every accepted connection its id ({@link Ids}, called from the accept threads) and hears
 * the sockets' data and errors through the {@link LinuxConnection.Listener}. Thread-safe.
 *
 * <p>Sockets are AF_INET (Java's default is a dual-stack AF_INET6 one, which Linux lists in
 * /proc/net/tcp6 as a v4-mapped address): the lab is IPv4 and its observers ask for AF_INET sockets.
 */
final class LinuxHost implements AutoCloseable {

    /** The lab id of a connection Linux accepted, keyed as Linux sees it (local = Linux). */
    @FunctionalInterface
    interface Ids {
        String accepted(ConnectionKey linuxKey);
    }

    private final NetNamespace ns;
    private final Ipv4Address ip;
    private final LinuxConnection.Listener listener;
    private final Ids ids;
    private final Map<Integer, ServerSocket> listening = new ConcurrentSkipListMap<>();
    private final Map<String, LinuxConnection> ends = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LinuxHost(NetNamespace ns, Ipv4Address ip, LinuxConnection.Listener listener, Ids ids) {
        this.ns = ns;
        this.ip = ip;
        this.listener = listener;
        this.ids = ids;
    }

    Ipv4Address address() {
        return ip;
    }

    NetNamespace namespace() {
        return ns;
    }

    List<Integer> listeners() {
        return new ArrayList<>(listening.keySet());
    }

    boolean listening(int port) {
        return listening.containsKey(port);
    }

    /** listen(2) with a backlog of 128; TcpUserException if the port listens already. */
    void listen(int port) {
        if (listening.containsKey(port)) throw new TcpUserException("connection already exists");
        ServerSocket ss = ns.inside(() -> {
            ServerSocket s =
                    ServerSocketChannel.open(StandardProtocolFamily.INET).socket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(EthernetLink.inet(ip), port), 128);
            return s;
        });
        listening.put(port, ss);
        Thread t = new Thread(() -> acceptLoop(ss), "tcplab-linux-accept-" + ns.name() + "-" + port);
        t.setDaemon(true);
        t.start();
    }

    /** Closes the listening socket; connections already accepted live on. */
    void unlisten(int port) {
        ServerSocket ss = listening.remove(port);
        if (ss == null) throw new TcpUserException("connection does not exist");
        closeQuietly(ss);
    }

    /**
     * The end of connection {@code id} that Linux is about to accept (our stack opens toward it):
     * calls on it before the accept wait for it.
     */
    void expect(String id) {
        ends.put(id, new LinuxConnection(id, listener));
    }

    /** A socket bound for an active open from {@code localPort} (0: an ephemeral port). */
    Socket bind(int localPort) {
        return ns.inside(() -> {
            Socket s = SocketChannel.open(StandardProtocolFamily.INET).socket();
            try {
                s.bind(new InetSocketAddress(EthernetLink.inet(ip), localPort));
            } catch (BindException e) {
                s.close();
                throw new TcpUserException("connection already exists (Linux port " + localPort + " is in use)");
            }
            return s;
        });
    }

    /** connect(2) on a bound socket, on the end's own thread (it blocks until the handshake ends). */
    void connect(String id, Socket bound, Ipv4Address remoteIp, int remotePort) {
        LinuxConnection end = new LinuxConnection(id, listener);
        ends.put(id, end);
        end.connectWith(bound, new InetSocketAddress(EthernetLink.inet(remoteIp), remotePort));
    }

    /** Linux's end of {@code id}, or null if it has none. */
    LinuxConnection end(String id) {
        return ends.get(id);
    }

    /** Linux's end of {@code id}; TcpUserException if it has none. */
    LinuxConnection existing(String id) {
        LinuxConnection c = ends.get(id);
        if (c == null) throw new TcpUserException("connection does not exist");
        return c;
    }

    /** Stops accepting and releases every socket (no RST unless data is unread). Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (ServerSocket ss : listening.values()) closeQuietly(ss);
        listening.clear();
        for (LinuxConnection c : ends.values()) c.dispose();
    }

    private void acceptLoop(ServerSocket ss) {
        while (!closed && !ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            ConnectionKey linuxKey = new ConnectionKey(
                    ip, s.getLocalPort(), Ipv4Address.of(s.getInetAddress().getAddress()), s.getPort());
            String id;
            try {
                id = ids.accepted(linuxKey);
            } catch (RuntimeException e) {
                closeQuietly(s); // the lab is going away
                return;
            }
            ends.computeIfAbsent(id, k -> new LinuxConnection(k, listener)).attach(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed, or the namespace is going anyway
        }
    }
}
