package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.EventLog;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpHeaderFields;

/** The teaching variant "why not four": SYN; ACK; SYN; ACK, both ends ESTABLISHED, data flows after. */
class FourWayHandshakeTest {

    @Test
    void theMiddleTwoSegmentsGoApartAndTheConnectionOpens() {
        EventLog log = new EventLog();
        TcpConfig four = TcpConfig.defaults().withFourWayHandshake(true);
        SimConfig defaults = SimConfig.defaults(1);
        Simulation sim = new Simulation(
                new SimConfig(defaults.seed(), defaults.link(), four, four, defaults.clientIp(), defaults.serverIp()),
                log);
        sim.listen(HostName.SERVER, 80);
        String c = sim.connect(HostName.CLIENT, 40000, 80, SeqNum.of(100), SeqNum.of(300));
        sim.runUntilIdle(10_000);

        List<String> segments = log.all().stream()
                .map(LoggedEvent::event)
                .filter(e -> e instanceof LabEvent.SegmentSent)
                .map(e -> {
                    LabEvent.SegmentSent s = (LabEvent.SegmentSent) e;
                    TcpHeaderFields h = s.header();
                    return s.from().id() + " " + h.flags().names() + " " + h.seq()
                            + (h.flags().ack() ? " ack " + h.ack() : "");
                })
                .toList();
        assertThat(segments)
                .containsExactly(
                        "client [SYN] 100", "server [ACK] 300 ack 101", "server [SYN] 300", "client [ACK] 101 ack 301");
        for (HostName h : HostName.values())
            assertThat(sim.connections(h).get(0).state()).isEqualTo(TcpState.ESTABLISHED);

        sim.send(c, HostName.CLIENT, "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        sim.runUntilIdle(10_000);
        assertThat(sim.received(c, HostName.SERVER)).hasSize(5);
    }
}
