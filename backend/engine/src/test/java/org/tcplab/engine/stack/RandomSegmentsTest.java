package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tcplab.engine.stack.HostHarness.KEY;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpUserException;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.TcpSegment;

/**
 * Seeded random segments and user calls against one host: whatever arrives, the engine never
 * throws (only TcpUserException for forbidden user calls), never sends a malformed segment, and
 * its timers stay in the future.
 */
class RandomSegmentsTest {

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void nothingEscapesTheEngine(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        TcpConfig cfg = seed % 2 == 0 ? TcpConfig.defaults() : HostHarness.plain();
        HostHarness h = new HostHarness(cfg).listen();
        for (int i = 0; i < 3_000; i++) {
            int what = rnd.nextInt(20);
            if (what < 14) {
                // Mostly plausible numbers (near what the host expects), sometimes anything at all.
                var snap = h.host.connection(KEY);
                long rcvNxt = snap.map(ConnectionSnapshot::rcvNxt).orElse(100L);
                long sndNxt = snap.map(ConnectionSnapshot::sndNxt).orElse(301L);
                boolean wild = rnd.nextInt(5) == 0;
                long seq = wild ? rnd.nextLong(1L << 32) : rcvNxt + rnd.nextInt(-3, 1500);
                long ack = wild ? rnd.nextLong(1L << 32) : rnd.nextBoolean() ? sndNxt : sndNxt + rnd.nextInt(-1500, 3);
                int flags = snap.isEmpty() && rnd.nextBoolean()
                        ? 0x02
                        : wild
                                ? rnd.nextInt(256)
                                : 0x10
                                        | (rnd.nextInt(8) == 0 ? 0x01 : 0)
                                        | (rnd.nextInt(30) == 0 ? 0x04 : 0)
                                        | (rnd.nextInt(30) == 0 ? 0x02 : 0);
                TcpSegment.Builder b = TcpSegment.builder(1000, 80)
                        .seq(seq)
                        .window(rnd.nextInt(65536))
                        .rawFlags(new TcpFlags(flags));
                if ((flags & 0x10) != 0) b.ack(ack);
                if (rnd.nextInt(3) == 0) b.payload(new byte[rnd.nextInt(1, 1500)]);
                if (rnd.nextInt(4) == 0) b.options(randomOptions(rnd));
                h.peerSends(b.build());
            } else if (what < 16) {
                h.advanceTo(h.now + rnd.nextLong(1, 3_000_000));
            } else {
                try {
                    switch (what) {
                        case 16 -> h.host.send(h.now, KEY, new byte[rnd.nextInt(1, 5000)]);
                        case 17 -> h.host.close(h.now, KEY);
                        case 18 -> h.host.setReading(h.now, KEY, rnd.nextBoolean());
                        default -> h.host.abort(h.now, KEY);
                    }
                } catch (TcpUserException expected) {
                    // a forbidden user call in this state: fine
                }
                h.collect();
            }
            for (Outbound o : h.sent) {
                assertThat(o.datagram().segment().flags().ack())
                        .isEqualTo(o.datagram().segment().ackNumber().isPresent());
                org.tcplab.engine.wire.TcpCodec.encode(o.datagram()); // every segment we emit encodes
            }
            h.sent.clear();
            assertThat(h.host.pollAt()).isGreaterThanOrEqualTo(h.now);
        }
        // The walk must have visited the synchronized states, not only bounced off LISTEN.
        assertThat(h.stateChanges()).anyMatch(s -> s.endsWith(">ESTABLISHED"));
    }

    private static List<TcpOption> randomOptions(SplittableRandom rnd) {
        return switch (rnd.nextInt(5)) {
            case 0 -> List.of(new TcpOption.MaxSegmentSize(rnd.nextInt(65536)));
            case 1 -> List.of(new TcpOption.WindowScale(rnd.nextInt(256)));
            case 2 -> List.of(new TcpOption.Timestamps(rnd.nextInt(), rnd.nextInt()));
            case 3 ->
                List.of(new TcpOption.Sack(List.of(new TcpOption.SackBlock(
                        SeqNum.of(rnd.nextLong(1L << 32)), SeqNum.of(rnd.nextLong(1L << 32))))));
            default -> List.of(new TcpOption.SackPermitted());
        };
    }
}
