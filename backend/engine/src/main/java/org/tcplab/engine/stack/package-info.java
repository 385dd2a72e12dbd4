/**
 * A host's TCP: {@link org.tcplab.engine.stack.TcpHost} demultiplexes segments to TCBs and
 * listeners (RFC 9293 §3.10.7.1 CLOSED and §3.10.7.2 LISTEN live here), queues what they send,
 * and keeps their timer deadlines in one priority queue so {@code pollAt()} is cheap.
 *
 * <p>Driving a host: call it with the current time; then {@code poll(now)} returns the segments to
 * transmit (in order) after firing every timer due by {@code now}; call {@code poll} again at
 * {@code pollAt()} at the latest. {@code receive(now, Frame)} parses bytes at the edge with
 * {@code TcpCodec}; {@code receive(now, segmentId, connection, TcpDatagram)} takes checked values.
 * ISNs come from {@link org.tcplab.engine.stack.Rfc6528IsnSource} unless pinned.
 */
package org.tcplab.engine.stack;
