/**
 * The deterministic simulated lab: {@link org.tcplab.engine.sim.Simulation} joins two sans-I/O
 * {@code TcpHost}s with a {@code FaultyLink} on a virtual clock ({@code time.Scheduler}).
 *
 * <p>Determinism: one {@code SplittableRandom(seed)} split per purpose (ISN keys, jitter, faults),
 * ties broken by insertion order, insertion-ordered or sorted maps only, no wall clock. The same
 * configuration and the same calls give a byte-identical event log ({@code DeterminismTest}).
 */
package org.tcplab.engine.sim;
