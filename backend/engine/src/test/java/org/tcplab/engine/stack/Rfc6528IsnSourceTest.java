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
    void isTheLow32BitsOfSipHashOverTheFourTuplePlusTheClock() {
        byte[] key = {1, 2};
        byte[] k = new byte[16];
        k[0] = 1;
        k[1] = 2;
        byte[] tuple = {(byte) 192, 0, 2, 1, (byte) 192, 0, 2, 2, 0x03, (byte) 0xe8, 0, 80};
        long f = SipHash.hash(SipHash.littleEndian(k, 0, 8), SipHash.littleEndian(k, 8, 8), tuple, 12);
        assertThat(new Rfc6528IsnSource(key).isn(400, K).value()).isEqualTo((f + 100) & 0xffffffffL);
    }

    @Test
    void aKeyLongerThanSipHashsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rfc6528IsnSource(new byte[17]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the secret key is at most 16 bytes");
    }
}
