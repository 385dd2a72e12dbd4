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

    /** Capability numbers from linux/capability.h. */
    private static final int CAP_NET_ADMIN = 12;

    private static final int CAP_SYS_ADMIN = 21;

    /**
     * As {@link #check()}, for one {@code linuxSide}: every side needs the same (a Linux pair's
     * capture is an AF_PACKET socket, no libpcap).
     */
    public static Availability check(String linuxSide) {
        return check();
    }

    public static Availability check() {
        List<String> missing = new ArrayList<>();
        missing.addAll(missingCapabilities(effectiveCapabilities()));
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

    /**
     * What a lab needs of the effective capability set {@code capEff} (null: unknown), each with what
     * to do: CAP_NET_ADMIN for TAP devices, veth pairs, addresses and routes; CAP_SYS_ADMIN for
     * {@code ip netns add} (unshare(CLONE_NEWNET) and the bind mount under /run/netns) and setns(2).
     * A root container given only NET_ADMIN (Docker's default set lacks SYS_ADMIN) has the first and
     * not the second, and a non-root user given {@code --cap-add} has neither in effect.
     */
    static List<String> missingCapabilities(Long capEff) {
        if (capEff == null) {
            return List.of(
                    "cannot read CapEff from /proc/self/status: run as root with CAP_NET_ADMIN and CAP_SYS_ADMIN");
        }
        List<String> missing = new ArrayList<>();
        if (!has(capEff, CAP_NET_ADMIN)) {
            missing.add("no CAP_NET_ADMIN (needed for TAP devices, veth pairs and addresses): run as root, in a"
                    + " container with --cap-add NET_ADMIN");
        }
        if (!has(capEff, CAP_SYS_ADMIN)) {
            missing.add("no CAP_SYS_ADMIN (needed for `ip netns add` and setns): run as root, in a container"
                    + " with --cap-add SYS_ADMIN");
        }
        return missing;
    }

    private static boolean has(long capEff, int capability) {
        return (capEff & (1L << capability)) != 0;
    }

    /** CapEff from /proc/self/status (null if unreadable): root in a container may still lack some. */
    static Long effectiveCapabilities() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    return Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return null;
        }
        return null;
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
