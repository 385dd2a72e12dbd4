package org.tcplab.engine.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.wire.TcpFlags;

/** The rule state both the simulated link and the TAP driver decide faults with. */
class FaultRulesTest {

    private static FaultRule rule(Direction d, TcpFlags flags, TcpFlags only, int nth, int count, double p) {
        return new FaultRule(0, d, flags, only, null, nth, count, p, FaultAction.DROP, 0);
    }

    @Test
    void dropsOnlyTheServersFirstSynAck() {
        FaultRules m = new FaultRules(new SplittableRandom(1));
        FaultRule r = m.add(rule(Direction.SERVER_TO_CLIENT, null, TcpFlags.SYN_ACK, 1, 1, 1.0));
        assertThat(r.id()).isEqualTo(1);
        assertThat(m.match(HostName.CLIENT, TcpFlags.SYN_ACK, "1"))
                .as("wrong direction")
                .isNull();
        assertThat(m.match(HostName.SERVER, TcpFlags.ACK, "1"))
                .as("not exactly SYN,ACK")
                .isNull();
        assertThat(m.match(HostName.SERVER, TcpFlags.SYN_ACK, "1")).isEqualTo(r);
        assertThat(m.match(HostName.SERVER, TcpFlags.SYN_ACK, "1"))
                .as("count 1 used up")
                .isNull();
    }

    @Test
    void nthSkipsEarlierCandidatesAndFlagsMatchAsSubset() {
        FaultRules m = new FaultRules(new SplittableRandom(1));
        FaultRule r = m.add(rule(Direction.BOTH, TcpFlags.ACK, null, 3, 0, 1.0));
        assertThat(m.match(HostName.CLIENT, TcpFlags.SYN, null)).isNull();
        assertThat(m.match(HostName.CLIENT, TcpFlags.ACK, null)).isNull();
        assertThat(m.match(HostName.SERVER, TcpFlags.FIN_ACK, null)).isNull();
        assertThat(m.match(HostName.SERVER, TcpFlags.SYN_ACK, null)).isEqualTo(r);
        assertThat(m.match(HostName.CLIENT, TcpFlags.ACK, null)).isEqualTo(r);
        assertThat(m.remove(r.id())).isTrue();
        assertThat(m.match(HostName.CLIENT, TcpFlags.ACK, null)).isNull();
    }

    @Test
    void probabilityZeroNeverActsAndBadRulesAreRefused() {
        FaultRules m = new FaultRules(new SplittableRandom(1));
        m.add(rule(Direction.BOTH, null, null, 1, 0, 0.0));
        assertThat(m.match(HostName.CLIENT, TcpFlags.SYN, null)).isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.add(rule(Direction.BOTH, null, null, 1, 0, 1.5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("probability");
    }

    @Test
    void probabilityComesFromTheSeedAndIsRoughlyHonoured() {
        FaultRules a = new FaultRules(new SplittableRandom(42));
        FaultRules b = new FaultRules(new SplittableRandom(42));
        a.add(rule(Direction.BOTH, null, null, 1, 0, 0.25));
        b.add(rule(Direction.BOTH, null, null, 1, 0, 0.25));
        int hits = 0;
        for (int i = 0; i < 4000; i++) {
            boolean ha = a.match(HostName.CLIENT, TcpFlags.ACK, null) != null;
            boolean hb = b.match(HostName.CLIENT, TcpFlags.ACK, null) != null;
            assertThat(ha).isEqualTo(hb);
            hits += ha ? 1 : 0;
        }
        assertThat(hits).isBetween(850, 1150);
    }
}
