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
 * @param readOnly the world only shows what happened elsewhere (a captured conversation): it refuses
 *     every command, and its lab refuses every change, its clock included
 */
public record LabCapabilities(
        boolean realTimeOnly, boolean linkSettable, boolean faults, boolean inject, boolean scripts, boolean readOnly) {

    /** The simulation: every command, on virtual time. */
    public static final LabCapabilities SIMULATION = new LabCapabilities(false, true, true, true, true);

    /** A record of something that already happened: nothing can change it. */
    public static final LabCapabilities READ_ONLY = new LabCapabilities(false, false, false, false, false, true);

    /** A world that takes commands. */
    public LabCapabilities(
            boolean realTimeOnly, boolean linkSettable, boolean faults, boolean inject, boolean scripts) {
        this(realTimeOnly, linkSettable, faults, inject, scripts, false);
    }
}
