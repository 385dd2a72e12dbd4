package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The application's bytes in bounded memory: count and digest of all, the newest bytes in order. */
class ReceivedBytesTest {

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void keepsEverythingWhileItFits() throws Exception {
        ReceivedBytes r = new ReceivedBytes(16);
        r.append("hello ".getBytes(), 0, 6);
        assertThat(r.append("world".getBytes(), 0, 5)).isEqualTo(11);
        assertThat(new String(r.tail())).isEqualTo("hello world");
        assertThat(r.sha256()).isEqualTo(sha256("hello world".getBytes()));
    }

    @Test
    void nothingReadHasTheEmptyDigest() throws Exception {
        ReceivedBytes r = new ReceivedBytes(16);
        assertThat(r.tail()).isEmpty();
        assertThat(r.total()).isZero();
        assertThat(r.sha256()).isEqualTo(sha256(new byte[0]));
        TwoHosts net = new TwoHosts(org.tcplab.engine.tcp.TcpConfig.defaults());
        assertThat(net.server.receivedSha256(TwoHosts.serverKey(1, 2))).isEqualTo(sha256(new byte[0]));
    }

    /** Whatever the chunking, the tail is the newest bytes in order and the digest covers all. */
    @Property(tries = 300)
    void theTailIsTheNewestBytesInOrder(
            @ForAll @IntRange(min = 1, max = 64) int limit,
            @ForAll @IntRange(min = 0, max = 500) int length,
            @ForAll @IntRange(min = 1, max = 100) int maxChunk,
            @ForAll long seed)
            throws Exception {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] all = new byte[length];
        random.nextBytes(all);
        ReceivedBytes r = new ReceivedBytes(limit);
        int off = 0;
        while (off < length) {
            int n = Math.min(length - off, 1 + random.nextInt(maxChunk));
            // Data arrives inside a larger buffer, as segments do.
            byte[] buffer = new byte[n + 7];
            System.arraycopy(all, off, buffer, 3, n);
            r.append(buffer, 3, n);
            off += n;
        }
        assertThat(r.total()).isEqualTo(length);
        assertThat(r.tail()).isEqualTo(Arrays.copyOfRange(all, Math.max(0, length - limit), length));
        assertThat(r.sha256()).isEqualTo(sha256(all));
    }
}
