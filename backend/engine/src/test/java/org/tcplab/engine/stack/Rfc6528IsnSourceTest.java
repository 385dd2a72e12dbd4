package org.tcplab.engine.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tcplab.engine.wire.Ipv4Address;

class Rfc6528IsnSourceTest {

    private static final ConnectionKey K =
            new ConnectionKey(Ipv4Address.parse("192.0.2.1"), 1000, Ipv4Address.parse("192.0.2.2"), 80);

    @Test
    void sameKeyAndTimeGiveTheSameIsn() {
        assertThat(new Rfc6528IsnSource(new byte[] {9}).isn(5, K))
                .isEqualTo(new Rfc6528IsnSource(new byte[] {9}).isn(5, K));
    }

    @Test
    void theClockAdvancesOneEveryFourMicroseconds() {
        Rfc6528IsnSource s = new Rfc6528IsnSource(new byte[] {9});
        assertThat(s.isn(4_000, K).distanceFrom(s.isn(0, K))).isEqualTo(1_000);
    }

    @Test
    void otherPortsOrKeysGiveUnrelatedIsns() {
        Rfc6528IsnSource s = new Rfc6528IsnSource(new byte[] {9});
        ConnectionKey other = new ConnectionKey(K.localIp(), 1001, K.remoteIp(), 80);
        assertThat(s.isn(0, other)).isNotEqualTo(s.isn(0, K));
        assertThat(new Rfc6528IsnSource(new byte[] {8}).isn(0, K)).isNotEqualTo(s.isn(0, K));
    }

    @Test
    void isFirst32BitsOfSha256PlusTheClock() throws Exception {
        byte[] key = {1, 2};
        var md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(new byte[] {(byte) 192, 0, 2, 1, 0x03, (byte) 0xe8, (byte) 192, 0, 2, 2, 0, 80, 1, 2});
        byte[] h = md.digest();
        long f = ((h[0] & 0xffL) << 24) | ((h[1] & 0xff) << 16) | ((h[2] & 0xff) << 8) | (h[3] & 0xff);
        assertThat(new Rfc6528IsnSource(key).isn(400, K).value()).isEqualTo((f + 100) & 0xffffffffL);
    }
}
