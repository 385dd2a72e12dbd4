package org.tcplab.tap;

import java.util.List;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionNamer;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.IsnSource;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.stack.TcpHost;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpDatagram;

/**
 * The part of {@link TcpHost} the TAP driver uses. In production it is the engine's host; the seam
 * lets the driver's own tests put a scripted host on the wire (frames in, crafted frames out) so the
 * wire, the events and the Linux side are checked independently of the TCP implementation.
 */
interface StackHost {

    void listen(long nowUs, int port, int backlog);

    void unlisten(long nowUs, int port);

    ConnectionKey open(long nowUs, int localPort, Ipv4Address remoteIp, int remotePort, SeqNum isn);

    void pinIsn(ConnectionKey key, SeqNum isn);

    void send(long nowUs, ConnectionKey key, byte[] data);

    void close(long nowUs, ConnectionKey key);

    void abort(long nowUs, ConnectionKey key);

    void setReading(long nowUs, ConnectionKey key, boolean reading);

    byte[] received(ConnectionKey key);

    void crash();

    void receive(long nowUs, Frame frame);

    /** A frame the driver already parsed (and verified), so it is not parsed twice. */
    void receive(long nowUs, long segmentId, String connection, TcpDatagram datagram);

    List<Outbound> poll(long nowUs);

    long pollAt();

    List<Integer> listeners();

    List<ConnectionSnapshot> connections();

    /** Makes the host the lab drives. */
    @FunctionalInterface
    interface Factory {
        StackHost create(
                HostName name,
                Ipv4Address address,
                TcpConfig config,
                IsnSource isns,
                ConnectionNamer namer,
                EventSink events);
    }

    /** The engine's {@link TcpHost}. */
    Factory ENGINE = (name, address, config, isns, namer, events) -> {
        TcpHost h = new TcpHost(name, address, config, isns, namer, events);
        // Like the Linux side's sockets, the TAP lab keeps every byte read (its tests compare whole
        // transfers); sim labs keep a bounded tail. One policy for both comes with the shared seam.
        h.retainReceived(Integer.MAX_VALUE);
        return new StackHost() {
            public void listen(long nowUs, int port, int backlog) {
                h.listen(nowUs, port, backlog);
            }

            public void unlisten(long nowUs, int port) {
                h.unlisten(nowUs, port);
            }

            public ConnectionKey open(long nowUs, int lp, Ipv4Address ip, int rp, SeqNum isn) {
                return h.open(nowUs, lp, ip, rp, isn);
            }

            public void pinIsn(ConnectionKey key, SeqNum isn) {
                h.pinIsn(key, isn);
            }

            public void send(long nowUs, ConnectionKey key, byte[] data) {
                h.send(nowUs, key, data);
            }

            public void close(long nowUs, ConnectionKey key) {
                h.close(nowUs, key);
            }

            public void abort(long nowUs, ConnectionKey key) {
                h.abort(nowUs, key);
            }

            public void setReading(long nowUs, ConnectionKey key, boolean r) {
                h.setReading(nowUs, key, r);
            }

            public byte[] received(ConnectionKey key) {
                return h.received(key);
            }

            public void crash() {
                h.crash();
            }

            public void receive(long nowUs, Frame frame) {
                h.receive(nowUs, frame);
            }

            public void receive(long nowUs, long segmentId, String connection, TcpDatagram datagram) {
                h.receive(nowUs, segmentId, connection, datagram);
            }

            public List<Outbound> poll(long nowUs) {
                return h.poll(nowUs);
            }

            public long pollAt() {
                return h.pollAt();
            }

            public List<Integer> listeners() {
                return h.listeners();
            }

            public List<ConnectionSnapshot> connections() {
                return h.connections();
            }
        };
    };
}
