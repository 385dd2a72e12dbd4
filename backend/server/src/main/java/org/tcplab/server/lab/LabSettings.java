package org.tcplab.server.lab;

import org.tcplab.engine.sim.SimConfig;

/**
 * A lab's creation settings, already validated and converted to engine units.
 *
 * @param linuxSide for tap labs: which host the Linux kernel plays ({@code client} or {@code server})
 */
public record LabSettings(String mode, SimConfig sim, String linuxSide) {}
