package org.tcplab.tap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.stack.ConnectionKey;
import org.tcplab.engine.stack.ConnectionNamer;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.stack.Frame;
import org.tcplab.engine.stack.Outbound;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpFlag;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A scripted stand-in for our stack, to test the TAP driver on its own: {@code open} sends a SYN with
 * the given ISN, a SYN-ACK for it is answered with an ACK (so Linux's connection establishes), and
 * everything that arrives is recorded. No retransmission, no data of its own.
 */
final class ScriptedHost implements StackHost {

    final List<TcpDatagram> received = new CopyOnWriteArrayList<>();
    private final List<Outbound> outbox = new ArrayList<>();
    private final HostName name;
    private final Ipv4Address address;
    private final ConnectionNamer namer;

    ScriptedHost(HostName name, Ipv4Address address, ConnectionNamer namer) {
        this.name = name;
        this.address = address;
        this.namer = namer;
    }

    static StackHost.Factory factory(ScriptedHost[] out) {
        return (name, address, config, isns, namer, events) -> out[0] = new ScriptedHost(name, address, namer);
    }

    @Override
    public ConnectionKey open(long nowUs, int localPort, Ipv4Address remoteIp, int remotePort, SeqNum isn) {
        ConnectionKey key = new ConnectionKey(address, localPort, remoteIp, remotePort);
        TcpSegment syn = TcpSegment.builder(localPort, remotePort)
                .seq(isn)
                .flags(TcpFlag.SYN)
                .window(65535)
                .options(new TcpOption.MaxSegmentSize(1460))
                .build();
        outbox.add(new Outbound(new TcpDatagram(address, remoteIp, syn), namer.name(name, key), false));
        return key;
    }

    @Override
    public void receive(long nowUs, long segmentId, String connection, TcpDatagram datagram) {
        receive(nowUs, new Frame(segmentId, connection, TcpCodec.encode(datagram)));
    }

    @Override
    public void receive(long nowUs, Frame frame) {
        if (!(TcpCodec.decode(frame.ipPacket()) instanceof TcpCodec.Decoded.Accepted a)) {
            return;
        }
        TcpDatagram d = a.datagram();
        received.add(d);
        TcpSegment s = d.segment();
        if (s.flags().syn() && s.flags().ack()) {
            TcpSegment ack = TcpSegment.builder(s.dstPort(), s.srcPort())
                    .seq(s.ack())
                    .ack(s.seq().plus(1))
                    .window(65535)
                    .build();
            outbox.add(new Outbound(new TcpDatagram(address, d.src(), ack), frame.connection(), false));
        }
    }

    @Override
    public List<Outbound> poll(long nowUs) {
        List<Outbound> out = new ArrayList<>(outbox);
        outbox.clear();
        return out;
    }

    @Override
    public long pollAt() {
        return outbox.isEmpty() ? Long.MAX_VALUE : 0;
    }

    @Override
    public void listen(long nowUs, int port, int backlog) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void unlisten(long nowUs, int port) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void pinIsn(ConnectionKey key, SeqNum isn) {}

    @Override
    public void send(long nowUs, ConnectionKey key, byte[] data) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close(long nowUs, ConnectionKey key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void abort(long nowUs, ConnectionKey key) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void setReading(long nowUs, ConnectionKey key, boolean reading) {}

    @Override
    public byte[] received(ConnectionKey key) {
        return new byte[0];
    }

    @Override
    public void crash() {}

    @Override
    public List<Integer> listeners() {
        return List.of();
    }

    @Override
    public List<ConnectionSnapshot> connections() {
        return List.of();
    }
}
