package org.tcplab.tap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LabEvent.SegmentSent;
import org.tcplab.engine.link.Direction;
import org.tcplab.engine.link.FaultAction;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.tcp.TcpUserException;

/** linuxSide both: two kernels over a veth pair, every segment seen by the capture. */
class LinuxPairLabTest {

    private final Recorder rec = new Recorder();

    @BeforeEach
    void needsRoot() {
        RootOnly.assumeTapAvailable();
    }

    @Test
    void twoKernelsHandshakeExchangeDataAndCloseWhileTheCaptureAndProcTellTheStory() throws Exception {
        String hostBefore = RootOnly.hostNetwork();
        TapLabConfig config = TapLabConfig.defaults("both").withSysctl("net.ipv4.tcp_max_tw_buckets", "0");
        byte[] data = new byte[200_000];
        new SplittableRandom(9).nextBytes(data);
        try (KernelLab lab = KernelLab.start(config, rec)) {
            assertThat(lab).isInstanceOf(LinuxPairLab.class);
            lab.listen(HostName.SERVER, 8080);
            String c = lab.connect(HostName.CLIENT, 0, 8080, null, null);
            SegmentSent syn = rec.await(SegmentSent.class, s -> s.from() == HostName.CLIENT, 3000);
            assertThat(syn.segment().flags()).containsExactly("SYN");
            assertThat(syn.connection()).isEqualTo(c);
            SegmentSent synAck = rec.await(SegmentSent.class, s -> s.from() == HostName.SERVER, 3000);
            assertThat(synAck.segment().flags()).containsExactly("ACK", "SYN");
            assertThat(synAck.segment().ack()).isEqualTo(syn.segment().seq() + 1 & 0xffffffffL);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == HostName.CLIENT && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == HostName.SERVER && c.equals(s.connection()) && s.to() == TcpState.ESTABLISHED,
                    3000);

            lab.send(c, HostName.CLIENT, data);
            rec.await(
                    LabEvent.DataDelivered.class, d -> d.host() == HostName.SERVER && d.total() == data.length, 10_000);
            assertThat(lab.received(c, HostName.SERVER)).isEqualTo(data);
            // One segment per packet on the veth: what the capture shows is what TCP sent.
            assertThat(rec.all(SegmentSent.class)).allMatch(s -> s.segment().payloadLength() <= 1460);

            lab.close(c, HostName.CLIENT);
            lab.close(c, HostName.SERVER);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == HostName.CLIENT && c.equals(s.connection()) && s.to() == TcpState.CLOSED,
                    3000);
            rec.await(
                    LabEvent.StateChanged.class,
                    s -> s.host() == HostName.SERVER && c.equals(s.connection()) && s.to() == TcpState.CLOSED,
                    3000);
            List<String> fins = rec.all(SegmentSent.class).stream()
                    .filter(s -> s.segment().flags().contains("FIN"))
                    .map(s -> s.from().id())
                    .toList();
            assertThat(fins).contains("client", "server");

            assertThatThrownBy(() -> lab.addFault(
                            new FaultRule(0, Direction.BOTH, null, null, null, 1, 0, 1.0, FaultAction.DROP, 0)))
                    .isInstanceOf(TcpUserException.class);
        }
        assertThat(RootOnly.hostNetwork()).isEqualTo(hostBefore);
    }
}
