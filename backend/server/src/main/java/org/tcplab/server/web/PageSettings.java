package org.tcplab.server.web;

import java.nio.file.Files;
import java.nio.file.Path;
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
        String v = PageSettings.class.getPackage().getImplementationVersion();
        this.version = v != null ? v : env.getProperty("tcplab.version", "dev");
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
