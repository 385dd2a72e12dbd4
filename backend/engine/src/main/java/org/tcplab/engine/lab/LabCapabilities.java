package org.tcplab.engine.lab;

/**
 * What a lab world can do beyond the common commands, as a value the world reports (callers ask
 * this rather than testing the world's class). A command a world cannot carry out is refused with
 * {@code TcpUserException} (409), saying why.
 *
 * @param realTimeOnly the world runs on the wall clock (the Linux kernel does not wait): it cannot
 *     be paused, stepped, scaled or run to idle ahead of time
 * @param linkSettable {@link LabCommand.SetLink} works (latency, jitter, bandwidth and MTU)
 * @param faults fault rules act on the segments
 * @param inject crafted segments can enter the wire
 * @param scripts scenarios ({@link LabCommand.RunScript}) can run: both hosts are our stack
 */
public record LabCapabilities(
        boolean realTimeOnly, boolean linkSettable, boolean faults, boolean inject, boolean scripts) {

    /** The simulation: every command, on virtual time. */
    public static final LabCapabilities SIMULATION = new LabCapabilities(false, true, true, true, true);
}
