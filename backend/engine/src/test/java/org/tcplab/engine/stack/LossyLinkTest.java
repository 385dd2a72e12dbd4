package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;

/** Both directions lose segments at random (seeded): data both ways and the close still complete. */
class LossyLinkTest {

    private static byte[] pattern(int n, int salt) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + salt + i / 253);
        return b;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void everythingArrivesAndBothSidesClose(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TcpConfig cfg = seed % 2 == 0
                ? TcpConfig.defaults()
                : HostHarness.plain().withDelayedAck(true).withNagle(true);
        TwoHosts net = new TwoHosts(cfg);
        var k = net.handshake(100, 300);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.ESTABLISHED);
        net.dropAll(w -> rnd.nextInt(10) == 0);
        var sk = TwoHosts.serverKey(1000, 80);
        byte[] up = pattern(120_000, 1);
        byte[] down = pattern(70_000, 2);
        net.client.send(net.now, k, up);
        net.server.send(net.now, sk, down);
        net.client.close(net.now, k);
        net.runFor(60_000_000);
        net.server.close(net.now, sk);
        net.runFor(600_000_000L);
        assertThat(net.server.received(sk)).isEqualTo(up);
        assertThat(net.client.received(k)).isEqualTo(down);
        assertThat(net.serverState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.clientState(1000, 80)).isEqualTo(TcpState.CLOSED);
        assertThat(net.client.pollAt()).isEqualTo(Long.MAX_VALUE);
        assertThat(net.server.pollAt()).isEqualTo(Long.MAX_VALUE);
    }
}
