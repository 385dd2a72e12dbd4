package org.tcplab.server.tap;

import java.util.LinkedHashMap;
import java.util.Map;
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

    /** {@code {available, reason, linuxSides:{server:{..}, client:{..}, both:{..}}}}. */
    public static Map<String, Object> describe(TcpLabProperties props) {
        Map<String, Object> sides = new LinkedHashMap<>();
        for (String side : new String[] {"server", "client", "both"}) {
            sides.put(side, view(check(props, side)));
        }
        Map<String, Object> out = view(check(props, "server"));
        out.put("enabled", props.getTap().isEnabled());
        out.put("linuxSides", sides);
        return out;
    }

    private static Map<String, Object> view(TapSupport.Availability a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("available", a.available());
        m.put("reason", a.reason());
        return m;
    }
}
