package org.tcplab.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.tcplab.server.system.TcpLabProperties;
import org.tcplab.server.tap.TapAvailability;

/**
 * What the page tells the browser about this server: whether tap labs can be offered (and if not,
 * a reason a student can act on) and the build version (also busts the bundle's cache).
 */
@Component
class PageSettings {

    private final TcpLabProperties props;
    private final String version;

    PageSettings(Environment env, TcpLabProperties props) {
        this.props = props;
        this.version = env.getProperty("tcplab.version", frontendVersion());
    }

    /** The bundle's own version (Maven writes it into the frontend jar), so pages never mix builds. */
    private static String frontendVersion() {
        try (InputStream in =
                PageSettings.class.getResourceAsStream("/META-INF/maven/org.tcplab/tcplab-frontend/pom.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** The same check as the 503 of POST /api/labs (tap's own TapSupport, behind the setting). */
    boolean tapAvailable() {
        return TapAvailability.check(props, "server").available();
    }

    String tapReason() {
        String reason = TapAvailability.check(props, "server").reason();
        return reason == null ? "" : reason;
    }

    String version() {
        return version;
    }
}
