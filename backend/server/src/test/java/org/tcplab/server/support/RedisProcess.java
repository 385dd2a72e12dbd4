package org.tcplab.server.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Debian's {@code redis-server} as a process of the test's own, on a free loopback port, nothing
 * saved outside the test's directory; stopped on close.
 */
public final class RedisProcess implements AutoCloseable {

    private static final List<Path> CANDIDATES =
            List.of(Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"));

    /** The lease time of {@link #instance}s: short, so a failover test waits little. */
    public static final Duration INSTANCE_LEASE = Duration.ofSeconds(3);

    private final Process process;
    private final int port;

    private RedisProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The redis-server binary, if this machine has one (.ci/run installs Debian's). */
    public static Optional<Path> binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst();
    }

    public static RedisProcess start(Path dir) throws Exception {
        Path binary = binary().orElseThrow(() -> new IllegalStateException("no redis-server"));
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(
                        binary.toString(),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString(),
                        "--daemonize",
                        "no")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        RedisProcess redis = new RedisProcess(p, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
            if (redis.pings()) return redis;
            Thread.sleep(50);
        }
        p.destroyForcibly();
        throw new IllegalStateException("redis-server did not answer within 20 s");
    }

    private boolean pings() {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] b = new byte[7];
            int n = in.read(b);
            return n > 0 && new String(b, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** {@code GET key} (RESP by hand: a test helper needs no client library), or null when unset. */
    public String get(String key) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(2000);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            OutputStream out = s.getOutputStream();
            out.write(("*2\r\n$3\r\nGET\r\n$" + k.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(k);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            String head = line(in);
            if (head.equals("$-1")) return null;
            if (!head.startsWith("$")) throw new IOException("unexpected reply " + head);
            byte[] value = new byte[Integer.parseInt(head.substring(1))];
            in.readFully(value);
            return new String(value, StandardCharsets.UTF_8);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') sb.append((char) c);
        in.read(); // \n
        return sb.toString();
    }

    /**
     * A server process in cluster mode on this Redis, with a 3 s lease (a failover test waits less)
     * and loopback trusted as a proxy (peers forward the client's address); {@code more} adds flags.
     */
    public ServerProcess instance(Path dir, String name, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--tcplab.cluster.redis-url=" + url(),
                "--tcplab.cluster.lease-time=" + INSTANCE_LEASE.toMillis() + "ms",
                "--server.forward-headers-strategy=native",
                "--tcplab.trusted-proxies=127.0.0.1/32",
                "--tcplab.data-dir=" + dir.resolve(name + "-data")));
        args.addAll(java.util.List.of(more));
        try {
            return ServerProcess.start(dir, name, args.toArray(String[]::new));
        } catch (Exception e) {
            throw new IllegalStateException("cluster instance " + name + " did not start", e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
