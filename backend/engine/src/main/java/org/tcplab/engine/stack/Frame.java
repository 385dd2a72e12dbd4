package org.tcplab.engine.stack;

/**
 * An IPv4 packet arriving at a host, with the id the network gave it when it was sent.
 *
 * @param connection the sender's connection id if the network knows it, else null
 */
public record Frame(long segmentId, String connection, byte[] ipPacket) {}
