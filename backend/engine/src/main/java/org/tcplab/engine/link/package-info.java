/**
 * The simulated wire between the lab's two hosts.
 *
 * <p>{@link org.tcplab.engine.link.SimulatedLink} is the plain wire (MTU, a FIFO queue per
 * direction in front of a transmitter of the configured bandwidth, latency plus seeded jitter);
 * {@link org.tcplab.engine.link.FaultyLink} decorates it with the lab's fault rules (drop, delay,
 * duplicate, reorder, corrupt), drawing every random choice from the seeded source it is given.
 * Packets travel as the bytes {@code TcpCodec} encoded; the link reads only the length and the
 * flags byte, and the receiving host parses them at its edge.
 */
package org.tcplab.engine.link;
