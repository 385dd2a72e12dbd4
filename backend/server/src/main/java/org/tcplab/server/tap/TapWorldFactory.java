package org.tcplab.server.tap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabWorldFactory;
import org.tcplab.server.system.LabProblem;
import org.tcplab.tap.KernelLab;
import org.tcplab.tap.TapException;
import org.tcplab.tap.TapLabConfig;
import org.tcplab.tap.TapSupport;

/**
 * Tap labs: our stack against the Linux kernel in a fresh network namespace per lab (or two Linux
 * sockets with {@code linuxSide: both}). The world ({@link KernelLab}) runs in real time on its own
 * thread and says so in its capabilities, so the lab takes only the realtime clock. Only a bean with
 * {@code tcplab.tap.enabled=true} (it needs root with CAP_NET_ADMIN and CAP_SYS_ADMIN); otherwise the lab service answers
 * 503 naming the setting.
 */
@Component
@ConditionalOnProperty(prefix = "tcplab.tap", name = "enabled", havingValue = "true")
class TapWorldFactory implements LabWorldFactory {

    @Override
    public String mode() {
        return "tap";
    }

    @Override
    public boolean replayable() {
        return false;
    }

    @Override
    public LabWorld create(LabSettings settings, EventSink events) {
        String side = settings.linuxSide() == null ? "server" : settings.linuxSide();
        TapSupport.Availability a = TapSupport.check(side);
        if (!a.available()) {
            throw LabProblem.unavailable("tap mode is unavailable on this machine: " + a.reason());
        }
        // Our host is the client when Linux is the server and vice versa; its TCP settings come from there.
        TcpConfig ours =
                "client".equals(side) ? settings.sim().server() : settings.sim().client();
        TapLabConfig config = TapLabConfig.defaults(side)
                .withTcp(ours)
                .withSeed(settings.sim().seed());
        try {
            return KernelLab.start(config, events);
        } catch (TapException | IllegalStateException e) {
            throw LabProblem.unavailable("the tap lab could not start: " + e.getMessage());
        }
    }
}
