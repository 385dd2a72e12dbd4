package org.tcplab.server.tap;

import org.tcplab.server.system.ClusterMode;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.tap.TapSupport;

/**
 * Whether this server can run tap labs, and if not exactly why: the 503 of {@code POST /api/labs}
 * and {@code GET /api/system/capabilities} (which the SPA uses to grey the mode out) say the same.
 */
public final class TapAvailability {

    private TapAvailability() {}

    public static final String ENABLE_HINT =
            "start the server with --tcplab.tap.enabled=true, as root with CAP_NET_ADMIN and CAP_SYS_ADMIN";

    /** The 503's detail while {@code tcplab.tap.enabled=false}, plus what the machine would lack too. */
    public static String disabledReason() {
        TapSupport.Availability machine = TapSupport.check();
        return "tap mode is disabled (tcplab.tap.enabled=false): " + ENABLE_HINT
                + (machine.available() ? "" : "; this machine also lacks: " + machine.reason());
    }

    /** Available for {@code linuxSide}, or the reason (setting first, then the machine). */
    public static TapSupport.Availability check(TcpLabProperties props, String linuxSide) {
        String cluster = props.getCluster().getRedisUrl();
        if (cluster != null && !cluster.isBlank()) {
            return new TapSupport.Availability(false, ClusterMode.NO_TAP);
        }
        if (!props.getTap().isEnabled()) {
            return new TapSupport.Availability(false, disabledReason());
        }
        return TapSupport.check(linuxSide);
    }

    /** Whether a mode is available here, and if not why. */
    public record Availability(boolean available, String reason) {
        static Availability of(TapSupport.Availability a) {
            return new Availability(a.available(), a.reason());
        }
    }

    /** The tap mode as {@code GET /api/system/capabilities} shows it: for Linux as the server, and per side. */
    public record TapMode(boolean available, String reason, boolean enabled, LinuxSides linuxSides) {}

    /** Availability with the Linux kernel as the server, as the client, or as both hosts. */
    public record LinuxSides(Availability server, Availability client, Availability both) {}

    /** {@code {available, reason, enabled, linuxSides:{server:{..}, client:{..}, both:{..}}}}. */
    public static TapMode describe(TcpLabProperties props) {
        Availability server = Availability.of(check(props, "server"));
        return new TapMode(
                server.available(),
                server.reason(),
                props.getTap().isEnabled(),
                new LinuxSides(server, Availability.of(check(props, "client")), Availability.of(check(props, "both"))));
    }
}
