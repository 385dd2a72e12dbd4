package org.tcplab.server.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's nginx, started by a test with the documented config {@code docs/deploy/nginx.conf} on a
 * free loopback port, in a directory of its own; stopped by its process id. Only the lines the file
 * marks {@code # test:} are rewritten (upstream servers, listen address), and the logs and temporary
 * files are kept in the test's directory.
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    public static final String MISSING =
            "the proxy tests need Debian's nginx at " + BINARY + " (apt-get install -y nginx-light)";
    private static final Path CONFIG = Path.of("../../docs/deploy/nginx.conf");

    private final Path dir;
    private final int port;
    private final long pid;

    private Nginx(Path dir, int port, long pid) {
        this.dir = dir;
        this.port = port;
        this.pid = pid;
    }

    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /**
     * The documented config with the app at {@code 127.0.0.1:<each of appPorts>} (one instance, or
     * several in cluster mode) and nginx at {@code 127.0.0.1:port}.
     */
    public static String config(int[] appPorts, int port, Path dir) throws IOException {
        String conf = Files.readString(CONFIG, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        boolean upstreamDone = false;
        for (String line : conf.split("\n", -1)) {
            if (line.contains("# test: upstream")) {
                if (!upstreamDone) {
                    for (int appPort : appPorts)
                        out.append("        server 127.0.0.1:").append(appPort).append(";\n");
                }
                upstreamDone = true;
            } else if (line.contains("# test: listen")) {
                out.append("        listen 127.0.0.1:").append(port).append(";\n");
            } else if (line.equals("http {")) {
                out.append(line).append('\n');
                // Logs and temporary files in the test's directory, not the machine's.
                out.append("    access_log ").append(dir.resolve("access.log")).append(";\n");
                for (String t : new String[] {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
                    out.append("    ")
                            .append(t)
                            .append("_temp_path ")
                            .append(dir.resolve(t))
                            .append(";\n");
                }
            } else {
                out.append(line).append('\n');
            }
        }
        if (!upstreamDone || !out.toString().contains("listen 127.0.0.1:" + port)) {
            throw new IllegalStateException(CONFIG + " lost its '# test:' markers");
        }
        return out.toString();
    }

    /** Starts nginx in front of the app's instances; returns once it listens (the daemon's parent exits then). */
    public static Nginx start(int... appPorts) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("tcplab-nginx");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config(appPorts, port, dir));
        List<String> cmd = new ArrayList<>(List.of(
                BINARY.toString(),
                "-p",
                dir.toString(),
                "-c",
                conf.toString(),
                "-e",
                dir.resolve("error.log").toString(),
                "-g",
                "pid " + dir.resolve("nginx.pid") + "; user root;"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.destroyForcibly();
            throw new IllegalStateException("nginx did not start: " + out + errorLog(dir));
        }
        long pid = Long.parseLong(Files.readString(dir.resolve("nginx.pid")).strip());
        return new Nginx(dir, port, pid);
    }

    private static String errorLog(Path dir) throws IOException {
        Path log = dir.resolve("error.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    public int port() {
        return port;
    }

    /** The statuses of every request nginx answered, from its access log (combined format). */
    public List<Integer> statuses() throws IOException {
        Pattern status = Pattern.compile("\"[^\"]*\" (\\d{3}) ");
        List<Integer> out = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("access.log"))) {
            Matcher m = status.matcher(line);
            if (m.find()) out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    public String accessLog() throws IOException {
        return Files.readString(dir.resolve("access.log"));
    }

    @Override
    public void close() throws IOException {
        // The master, by its id: it stops its workers (SIGTERM is nginx's fast shutdown).
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        });
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }
}
