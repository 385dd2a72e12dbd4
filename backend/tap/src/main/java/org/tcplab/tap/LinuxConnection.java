package org.tcplab.tap;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.time.LabClock;

/**
 * The Linux end of one lab connection: a real kernel socket in the lab's namespace, driven by the
 * lab's user operations. Writes run on the connection's own thread, in order, so a full send buffer
 * (our stack not reading) blocks nothing else; a reader thread takes what arrives unless
 * {@link #setReading(boolean) reading} is off, in which case the kernel's buffer fills and Linux's
 * advertised window closes.
 *
 * <p>CLOSE is {@code shutdown(SHUT_WR)} (RFC 9293 CLOSE: "no more to send", still receiving), the
 * descriptor being released once the peer's FIN has arrived; ABORT is SO_LINGER 0 then close, which
 * makes Linux send RST.
 */
final class LinuxConnection {

    /** What the connection tells its lab; called from this connection's threads. */
    interface Listener {
        void data(LinuxConnection c, int bytes, long total);

        void error(LinuxConnection c, String error, String detail);

        /** Tells the lab as events of {@code host}'s, emitted on the lab's own thread at its time. */
        static Listener events(HostName host, ConfinedExecutor lab, LabClock clock, EventSink events) {
            return new Listener() {
                @Override
                public void data(LinuxConnection c, int bytes, long total) {
                    lab.post(() -> events.emit(new LabEvent.DataDelivered(clock.nowUs(), c.id(), host, bytes, total)));
                }

                @Override
                public void error(LinuxConnection c, String error, String detail) {
                    lab.post(() -> events.emit(new LabEvent.ErrorRaised(clock.nowUs(), c.id(), host, error, detail)));
                }
            };
        }
    }

    private final String id;
    private final Listener listener;
    private final CompletableFuture<Socket> socket = new CompletableFuture<>();
    private final ExecutorService writer;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final Object readGate = new Object();
    private volatile boolean reading = true;
    private volatile boolean outputShut;
    private volatile boolean eof;
    private volatile boolean aborted;
    private volatile boolean connecting;
    private long total;

    LinuxConnection(String id, Listener listener) {
        this.id = id;
        this.listener = listener;
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tcplab-linux-writer-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    String id() {
        return id;
    }

    /** Gives the connection its socket (accepted, or connecting: see {@link #connectWith}). */
    void attach(Socket s) {
        socket.complete(s);
        Thread reader = new Thread(this::readLoop, "tcplab-linux-reader-" + id);
        reader.setDaemon(true);
        reader.start();
    }

    /** Runs the blocking connect on the writer thread, then attaches the socket. */
    void connectWith(Socket bound, java.net.InetSocketAddress remote) {
        connecting = true;
        writer.execute(() -> {
            try {
                bound.connect(remote, 120_000);
                attach(bound);
            } catch (IOException e) {
                String msg = String.valueOf(e.getMessage());
                listener.error(
                        this,
                        msg.contains("refused") ? "refused" : msg.contains("timed out") ? "timeout" : "io",
                        "Linux connect(): " + msg);
                socket.completeExceptionally(e);
                closeQuietly(bound);
            }
        });
    }

    /** Whether this end has a socket or is getting one (connecting), as opposed to awaiting an accept. */
    boolean hasSocketOrConnecting() {
        return connecting || socket.isDone();
    }

    /**
     * The socket, waiting for it if Linux has not accepted the connection yet (our stack can see
     * ESTABLISHED before the kernel's accept() returns); null, with an error event, if it never comes.
     */
    private Socket awaitSocket(String what) {
        try {
            return socket.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            if (!aborted) {
                listener.error(this, "io", "Linux " + what + ": no socket (the kernel did not accept the connection)");
            }
            return null;
        }
    }

    void send(byte[] data) {
        writer.execute(() -> {
            try {
                Socket s = awaitSocket("send()");
                if (s == null) {
                    return;
                }
                s.getOutputStream().write(data);
            } catch (IOException | RuntimeException e) {
                if (!aborted) {
                    listener.error(this, "io", "Linux send(): " + e.getMessage());
                }
            }
        });
    }

    /** After everything queued has been written: shutdown(SHUT_WR), so Linux sends its FIN. */
    void close() {
        writer.execute(() -> {
            try {
                Socket s = awaitSocket("close()");
                if (s == null) {
                    return;
                }
                outputShut = true;
                s.shutdownOutput();
                if (eof) {
                    s.close();
                }
            } catch (IOException | RuntimeException e) {
                if (!aborted) {
                    listener.error(this, "io", "Linux close(): " + e.getMessage());
                }
            }
        });
    }

    /** SO_LINGER 0 and close: the kernel answers with RST and forgets the connection. Now, not queued. */
    void abort() {
        Socket s = socket.getNow(null);
        if (s == null) {
            // Not accepted yet: abort as soon as it is.
            writer.execute(() -> {
                if (awaitSocket("abort()") != null) {
                    abort();
                }
            });
            return;
        }
        aborted = true;
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(s);
        writer.shutdownNow();
        synchronized (readGate) {
            readGate.notifyAll();
        }
    }

    void setReading(boolean on) {
        reading = on;
        synchronized (readGate) {
            readGate.notifyAll();
        }
    }

    byte[] received() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    long receivedCount() {
        synchronized (received) {
            return received.size();
        }
    }

    /** Releases the descriptor without a RST unless data is unread (the lab is going away). */
    void dispose() {
        aborted = true;
        // A connect that failed (refused) completed exceptionally: getNow would throw and cut the lab's cleanup short.
        Socket s = socket.isCompletedExceptionally() ? null : socket.getNow(null);
        if (s != null) {
            closeQuietly(s);
        }
        writer.shutdownNow();
    }

    private void readLoop() {
        Socket s = socket.join();
        byte[] buf = new byte[65536];
        try {
            InputStream in = s.getInputStream();
            while (true) {
                synchronized (readGate) {
                    while (!reading && !aborted) {
                        readGate.wait();
                    }
                }
                if (aborted) {
                    return;
                }
                int n = in.read(buf);
                if (n < 0) {
                    eof = true;
                    if (outputShut) {
                        s.close();
                    }
                    return;
                }
                long t;
                synchronized (received) {
                    received.write(buf, 0, n);
                    t = total += n;
                }
                listener.data(this, n, t);
            }
        } catch (IOException e) {
            if (!aborted) {
                String msg = String.valueOf(e.getMessage());
                listener.error(this, msg.toLowerCase().contains("reset") ? "reset" : "io", "Linux recv(): " + msg);
                // The connection is gone (reset): release the descriptor, or it lingers in state CLOSE.
                closeQuietly(s);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
