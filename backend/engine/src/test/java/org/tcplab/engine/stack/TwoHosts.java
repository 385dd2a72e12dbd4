package org.tcplab.engine.stack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Two {@link TcpHost}s joined by a tiny in-test link: whatever a host's {@code poll} returns arrives
 * at the other after a fixed delay. The datagrams in flight are a list the test may drop from or
 * inject into. Client 192.0.2.1 ("A" in RFC 9293's figures), server 192.0.2.2 ("B").
 */
final class TwoHosts {

    static final Ipv4Address A = Ipv4Address.parse("192.0.2.1");
    static final Ipv4Address B = Ipv4Address.parse("192.0.2.2");

    /** A segment on the wire: when it left, who sent it, and whether the link dropped it. */
    record Wire(long atUs, HostName from, TcpSegment segment, boolean retransmission, boolean dropped) {
        @Override
        public String toString() {
            return (atUs / 1000.0) + "ms " + from.id() + (dropped ? " (dropped) " : " ") + segment;
        }
    }

    private record Flight(long atUs, long order, HostName to, TcpDatagram datagram) {}

    final List<LabEvent> events = new ArrayList<>();
    final TcpHost client;
    final TcpHost server;
    final List<Wire> wire = new ArrayList<>();
    private final List<Flight> inFlight = new ArrayList<>();
    private final List<Predicate<Wire>> dropOnce = new ArrayList<>();
    private final List<Predicate<Wire>> dropAlways = new ArrayList<>();
    long delayUs = 10_000;
    long now;
    private long order;

    TwoHosts(TcpConfig clientConfig, TcpConfig serverConfig) {
        IsnSource isn = new Rfc6528IsnSource(new byte[] {1, 2, 3});
        ConnectionNamer namer =
                (h, k) -> Math.min(k.localPort(), k.remotePort()) + "-" + Math.max(k.localPort(), k.remotePort());
        client = new TcpHost(HostName.CLIENT, A, clientConfig, isn, namer, events::add);
        server = new TcpHost(HostName.SERVER, B, serverConfig, isn, namer, events::add);
        // These tests compare whole transfers of megabytes byte for byte; labs keep a bounded tail.
        client.retainReceived(Integer.MAX_VALUE);
        server.retainReceived(Integer.MAX_VALUE);
    }

    TwoHosts(TcpConfig both) {
        this(both, both);
    }

    TcpHost host(HostName n) {
        return n == HostName.CLIENT ? client : server;
    }

    /** Drops the first segment matching {@code p} that is sent from now on. */
    void dropNext(Predicate<Wire> p) {
        dropOnce.add(p);
    }

    void dropAll(Predicate<Wire> p) {
        dropAlways.add(p);
    }

    void clearDrops() {
        dropOnce.clear();
        dropAlways.clear();
    }

    /** A crafted (or old duplicate) segment enters the link now as if {@code from} had sent it. */
    void inject(HostName from, TcpSegment segment) {
        Ipv4Address src = from == HostName.CLIENT ? A : B;
        Ipv4Address dst = from == HostName.CLIENT ? B : A;
        wire.add(new Wire(now, from, segment, false, false));
        inFlight.add(new Flight(now + delayUs, order++, from.other(), new TcpDatagram(src, dst, segment)));
    }

    /** Runs everything due up to and including {@code t}; the clock ends at {@code t}. */
    void runUntil(long t) {
        while (true) {
            pump();
            long next = Math.min(nextFlight(), Math.min(client.pollAt(), server.pollAt()));
            if (next > t) {
                now = Math.max(now, t);
                return;
            }
            now = Math.max(now, next);
            deliverDue();
        }
    }

    /** Runs for {@code us} more microseconds. */
    void runFor(long us) {
        runUntil(now + us);
    }

    private void pump() {
        for (TcpHost h : new TcpHost[] {client, server}) {
            for (Outbound o : h.poll(now)) transmit(h.name(), o);
        }
    }

    private void transmit(HostName from, Outbound o) {
        Wire w = new Wire(now, from, o.datagram().segment(), o.retransmission(), false);
        boolean drop = dropAlways.stream().anyMatch(p -> p.test(w));
        if (!drop) {
            for (int i = 0; i < dropOnce.size(); i++) {
                if (dropOnce.get(i).test(w)) {
                    dropOnce.remove(i);
                    drop = true;
                    break;
                }
            }
        }
        wire.add(drop ? new Wire(now, from, w.segment(), w.retransmission(), true) : w);
        if (!drop) inFlight.add(new Flight(now + delayUs, order++, from.other(), o.datagram()));
    }

    private long nextFlight() {
        long min = Long.MAX_VALUE;
        for (Flight f : inFlight) min = Math.min(min, f.atUs());
        return min;
    }

    private void deliverDue() {
        List<Flight> due = new ArrayList<>();
        for (Flight f : inFlight) if (f.atUs() <= now) due.add(f);
        inFlight.removeAll(due);
        due.sort(Comparator.comparingLong(Flight::atUs).thenComparingLong(Flight::order));
        for (Flight f : due) {
            host(f.to()).receive(now, order, null, f.datagram());
            pump();
        }
    }

    /** Every segment that was on the wire (dropped ones excluded), as {@code from flags seq ack} lines. */
    List<String> trace() {
        List<String> out = new ArrayList<>();
        for (Wire w : wire) {
            if (w.dropped()) continue;
            TcpSegment s = w.segment();
            StringBuilder sb = new StringBuilder(w.from() == HostName.CLIENT ? "A>B " : "B>A ");
            sb.append("<SEQ=").append(s.seq()).append('>');
            s.ackNumber().ifPresent(a -> sb.append("<ACK=").append(a).append('>'));
            List<String> ctl = new ArrayList<>(
                    s.flags().without(org.tcplab.engine.wire.TcpFlag.PSH).names());
            // The RFC's figures write SYN,ACK / FIN,ACK / RST,ACK with ACK last.
            if (ctl.remove("ACK")) ctl.add("ACK");
            sb.append("<CTL=").append(String.join(",", ctl)).append('>');
            if (s.payloadLength() > 0)
                sb.append("<DATA=").append(s.payloadLength()).append('>');
            out.add(sb.toString());
        }
        return out;
    }

    List<String> states(HostName host) {
        List<String> out = new ArrayList<>();
        for (LabEvent e : events) {
            if (e instanceof LabEvent.StateChanged s && s.host() == host) out.add(s.to().name());
        }
        return out;
    }

    List<String> errors(HostName host) {
        List<String> out = new ArrayList<>();
        for (LabEvent e : events) {
            if (e instanceof LabEvent.ErrorRaised s && s.host() == host) out.add(s.error());
        }
        return out;
    }

    static ConnectionKey clientKey(int clientPort, int serverPort) {
        return new ConnectionKey(A, clientPort, B, serverPort);
    }

    static ConnectionKey serverKey(int clientPort, int serverPort) {
        return new ConnectionKey(B, serverPort, A, clientPort);
    }

    TcpState clientState(int clientPort, int serverPort) {
        return client.state(clientKey(clientPort, serverPort));
    }

    TcpState serverState(int clientPort, int serverPort) {
        return server.state(serverKey(clientPort, serverPort));
    }

    /** Opens client:1000 -> server:80 with ISNs 100 and 300 (RFC 9293 figure 6), server listening. */
    ConnectionKey handshake(long isnA, long isnB) {
        server.listen(now, 80, 8);
        server.pinIsn(serverKey(1000, 80), SeqNum.of(isnB));
        ConnectionKey k = client.open(now, 1000, B, 80, SeqNum.of(isnA));
        runFor(100_000);
        return k;
    }
}
