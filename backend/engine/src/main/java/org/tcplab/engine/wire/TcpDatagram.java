package org.tcplab.engine.wire;

/** A TCP segment with the IPv4 addresses that carry it: what a host hands to or takes from a link. */
public record TcpDatagram(Ipv4Address src, Ipv4Address dst, TcpSegment segment) {}
