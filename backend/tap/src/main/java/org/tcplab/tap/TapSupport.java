package org.tcplab.tap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this machine can run TAP labs, and if not exactly what is missing, so the server can
 * answer 503 with the reason (and the SPA can grey the mode out with it).
 */
public final class TapSupport {

    private TapSupport() {}

    /** @param reason null when available, else every missing piece, separated by "; " */
    public record Availability(boolean available, String reason) {}

    private static final long CAP_NET_ADMIN = 1L << 12;

    /**
     * As {@link #check()}, for one {@code linuxSide}: every side needs the same (a Linux pair's
     * capture is an AF_PACKET socket, no libpcap).
     */
    public static Availability check(String linuxSide) {
        return check();
    }

    public static Availability check() {
        List<String> missing = new ArrayList<>();
        if (!hasNetAdmin()) {
            missing.add("not root: CAP_NET_ADMIN is needed to create network namespaces and TAP devices");
        }
        Path tun = Path.of("/dev/net/tun");
        if (!Files.exists(tun)) {
            missing.add("no /dev/net/tun (load the tun module, or run the container with --device /dev/net/tun)");
        } else if (!Files.isReadable(tun) || !Files.isWritable(tun)) {
            missing.add("/dev/net/tun is not readable and writable by this user");
        }
        if (findOnPath("ip") == null) {
            missing.add("the `ip` command is missing (apt-get install iproute2)");
        }
        try {
            Class.forName("com.sun.jna.Native");
            LibC.INSTANCE.gettid();
        } catch (Throwable t) {
            missing.add("JNA cannot call libc: " + t.getMessage());
        }
        return missing.isEmpty() ? new Availability(true, null) : new Availability(false, String.join("; ", missing));
    }

    /** CapEff from /proc/self/status: root in a container may still lack CAP_NET_ADMIN. */
    static boolean hasNetAdmin() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & CAP_NET_ADMIN) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    static Path findOnPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
