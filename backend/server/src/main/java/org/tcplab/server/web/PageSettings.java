package org.tcplab.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * What the page tells the browser about this server: whether tap labs can be offered (and if not,
 * a reason a student can act on) and the build version (also busts the bundle's cache).
 */
@Component
class PageSettings {

    private final boolean tapEnabled;
    private final String version;

    PageSettings(Environment env) {
        this.tapEnabled = env.getProperty("tcplab.tap.enabled", Boolean.class, false);
        this.version = env.getProperty("tcplab.version", frontendVersion());
    }

    /** The bundle's own version (Maven writes it into the frontend jar), so pages never mix builds. */
    private static String frontendVersion() {
        try (InputStream in = PageSettings.class.getResourceAsStream(
                "/META-INF/maven/org.tcplab/tcplab-frontend/pom.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    boolean tapAvailable() {
        return tapEnabled && Files.exists(Path.of("/dev/net/tun"));
    }

    String tapReason() {
        if (!tapEnabled) {
            return "tap mode is switched off on this server (tcplab.tap.enabled=false); it needs root"
                    + " (CAP_NET_ADMIN) and /dev/net/tun";
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "this machine has no /dev/net/tun";
        }
        return "";
    }

    String version() {
        return version;
    }
}
