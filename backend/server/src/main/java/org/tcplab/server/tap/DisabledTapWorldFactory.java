package org.tcplab.server.tap;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.lab.LabWorldFactory;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;

/** Tap mode while {@code tcplab.tap.enabled} is false: refused with 503 naming the setting (and what the machine lacks). */
@Component
@ConditionalOnProperty(prefix = "tcplab.tap", name = "enabled", havingValue = "false", matchIfMissing = true)
class DisabledTapWorldFactory implements LabWorldFactory {

    @Override
    public String mode() {
        return "tap";
    }

    /** Its worlds would face the Linux kernel, as the enabled factory's do. */
    @Override
    public boolean replayable() {
        return false;
    }

    @Override
    public void checkAvailable() {
        throw LabProblem.of(ProblemType.MODE_UNAVAILABLE, TapAvailability.disabledReason());
    }

    @Override
    public LabWorld create(LabSettings settings, EventSink events) {
        checkAvailable();
        throw new IllegalStateException("unreachable");
    }
}
