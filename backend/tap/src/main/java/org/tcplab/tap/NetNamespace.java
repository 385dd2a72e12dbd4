package org.tcplab.tap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Linux network namespace the lab creates and removes ({@code ip netns add/del}), plus one thread
 * that lives inside it. Sockets and TUN devices take the namespace of the thread that creates them,
 * so everything that must exist in the lab's network (the tap, Linux's sockets, sysctls, captures)
 * is created through {@link #inside}. Nothing here touches the host's own namespace.
 *
 * <p>Names are {@code tcplab-<pid>-<n>}: a namespace whose process is gone is stale (a crashed run)
 * and {@link #cleanStale()} removes it; namespaces of live processes (another lab, another test JVM)
 * are left alone.
 */
public final class NetNamespace implements AutoCloseable {

    public static final String PREFIX = "tcplab-";

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Namespaces this JVM created and has not removed yet: the shutdown hook's to-do list. */
    private static final Set<String> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (String name : LIVE) {
                                try {
                                    run(List.of("ip", "netns", "del", name));
                                } catch (RuntimeException ignored) {
                                    // best effort while the JVM exits
                                }
                            }
                        },
                        "tcplab-netns-cleanup"));
    }

    private final String name;
    /** Work for the thread inside; it has nothing else to do, so it blocks for the next piece. */
    private final ConfinedExecutor executor;

    private final Thread thread;
    private volatile int tid;
    private volatile boolean closed;

    private NetNamespace(String name) {
        this.name = name;
        this.executor = new ConfinedExecutor("network namespace " + name, () -> {}, 30_000);
        CompletableFuture<Integer> ready = new CompletableFuture<>();
        this.thread = new Thread(() -> loop(ready), "tcplab-netns-" + name);
        thread.setDaemon(true);
        thread.start();
        try {
            tid = ready.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            thread.interrupt();
            throw new TapException("cannot enter network namespace " + name + ": " + rootMessage(e), e);
        }
    }

    /** Creates a fresh namespace (after removing stale ones) with its loopback up. */
    public static NetNamespace create() {
        cleanStale();
        String name = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        run(List.of("ip", "netns", "add", name));
        LIVE.add(name);
        try {
            NetNamespace ns = new NetNamespace(name);
            ns.ip("link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            delete(name);
            throw e;
        }
    }

    /** Removes {@code tcplab-*} namespaces left by processes that no longer run; returns their names. */
    public static List<String> cleanStale() {
        List<String> removed = new ArrayList<>();
        for (String ns : list()) {
            if (!ns.startsWith(PREFIX) || LIVE.contains(ns)) {
                continue;
            }
            String[] parts = ns.substring(PREFIX.length()).split("-");
            boolean stale = true;
            try {
                long pid = Long.parseLong(parts[0]);
                stale = ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
            } catch (NumberFormatException e) {
                // not one of our names (e.g. tcplab-<labid> from an older build): ours by prefix, so stale
            }
            if (stale) {
                delete(ns);
                removed.add(ns);
            }
        }
        return removed;
    }

    /** The names of all namespaces {@code ip netns list} shows. */
    public static List<String> list() {
        List<String> names = new ArrayList<>();
        for (String line : run(List.of("ip", "netns", "list")).split("\n")) {
            String n = line.trim();
            if (!n.isEmpty()) {
                names.add(n.split("\\s+")[0]);
            }
        }
        return names;
    }

    private static void delete(String name) {
        try {
            run(List.of("ip", "netns", "del", name));
        } finally {
            LIVE.remove(name);
        }
    }

    public String name() {
        return name;
    }

    /** The kernel thread id of the thread inside the namespace. */
    public int threadId() {
        return tid;
    }

    /** This namespace's {@code /proc/net/tcp}, readable from any thread of this process. */
    public Path procNetTcp() {
        return Path.of("/proc/self/task/" + tid + "/net/tcp");
    }

    /** Runs {@code work} on the thread inside the namespace and returns its result. */
    public <T> T inside(Callable<T> work) {
        return executor.call(work);
    }

    /** Writes a sysctl of this namespace, e.g. {@code net.ipv4.tcp_max_tw_buckets}. */
    public void sysctl(String key, String value) {
        inside(() -> {
            // /proc/sys/net is per namespace of the opening thread, so this stays inside the lab.
            Files.writeString(Path.of("/proc/sys/" + key.replace('.', '/')), value);
            return null;
        });
    }

    /**
     * Turns {@code ifname}'s transmit checksum offload off (SIOCETHTOOL, ETHTOOL_STXCSUM), so the
     * kernel computes TCP checksums before a frame leaves and a capture on the interface sees them
     * (with offload, captured outgoing frames carry a partial checksum the hardware would finish).
     */
    public void checksumOffloadOff(String ifname) {
        inside(() -> {
            int fd = LibC.INSTANCE.socket(LibC.AF_INET, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
            try {
                com.sun.jna.Memory value = new com.sun.jna.Memory(8);
                value.setInt(0, LibC.ETHTOOL_STXCSUM);
                value.setInt(4, 0);
                com.sun.jna.Memory ifr = new com.sun.jna.Memory(40);
                ifr.clear();
                byte[] name = ifname.getBytes(StandardCharsets.US_ASCII);
                ifr.write(0, name, 0, Math.min(15, name.length));
                ifr.setPointer(16, value);
                LibC.INSTANCE.ioctl(fd, new com.sun.jna.NativeLong(LibC.SIOCETHTOOL), ifr);
            } catch (com.sun.jna.LastErrorException e) {
                throw new TapException("checksum offload of " + ifname + ": errno " + e.getErrorCode(), e);
            } finally {
                LibC.INSTANCE.close(fd);
            }
            return null;
        });
    }

    /** {@code ip -n <ns> args...}; returns stdout, throws with the tool's message on failure. */
    public String ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    /** {@code tc -n <ns> args...} (e.g. a netem qdisc on the tap). */
    public String tc(String... args) {
        List<String> cmd = new ArrayList<>(List.of("tc", "-n", name));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        executor.close("namespace " + name + " is closed");
        delete(name);
    }

    private void loop(CompletableFuture<Integer> ready) {
        int fd;
        try {
            fd = LibC.INSTANCE.open("/var/run/netns/" + name, LibC.O_RDONLY | LibC.O_CLOEXEC);
            try {
                LibC.INSTANCE.setns(fd, LibC.CLONE_NEWNET);
            } finally {
                LibC.INSTANCE.close(fd);
            }
            executor.own();
            ready.complete(LibC.INSTANCE.gettid());
        } catch (Throwable t) {
            ready.completeExceptionally(t);
            return;
        }
        executor.runUntilClosed();
    }

    /** Runs a command, returns stdout; a non-zero exit throws with its output. */
    static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new TapException(String.join(" ", cmd) + ": timed out");
            }
            if (p.exitValue() != 0) {
                throw new TapException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out.trim());
            }
            return out;
        } catch (IOException e) {
            throw new TapException(String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TapException(String.join(" ", cmd) + ": interrupted", e);
        }
    }

    static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
