package org.tcplab.engine.link;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.TcpCodec;
import org.tcplab.engine.wire.TcpDatagram;
import org.tcplab.engine.wire.TcpSegment;
import org.tcplab.engine.wire.WireSegment;

/**
 * Whatever comes off the wire (random bytes, or a real packet with bytes stomped on, as a corrupt
 * fault or a crafted segment produces), the codec at the edge answers and never throws
 * (style principle 1: a packet that fails to parse is still shown in full).
 */
class CodecFuzzProperties {

    @Property(tries = 200)
    void randomBytesNeverMakeTheCodecThrow(@ForAll("packets") byte[] bytes) {
        TcpCodec.Decoded d = TcpCodec.decode(bytes);
        assertThat(d).isNotNull();
        WireSegment w = TcpCodec.describe(bytes);
        assertThat(w).isNotNull();
        if (d instanceof TcpCodec.Decoded.Rejected) {
            assertThat(w.malformed() != null || !w.checksumOk())
                    .as("a rejected packet is shown as broken")
                    .isTrue();
        }
    }

    @Property(tries = 200)
    void aValidPacketWithStompedBytesNeverMakesTheCodecThrow(
            @ForAll("validPackets") byte[] valid, @ForAll int position, @ForAll byte value) {
        byte[] bytes = valid.clone();
        bytes[Math.floorMod(position, bytes.length)] = value;
        assertThat(TcpCodec.decode(bytes)).isNotNull();
        assertThat(TcpCodec.describe(bytes)).isNotNull();
        assertThat(TcpCodec.decode(java.util.Arrays.copyOf(bytes, Math.floorMod(position, bytes.length + 1))))
                .isNotNull();
        assertThat(TcpCodec.describe(java.util.Arrays.copyOf(bytes, Math.floorMod(position, bytes.length + 1))))
                .isNotNull();
    }

    @Provide
    Arbitrary<byte[]> packets() {
        // Random bytes, half of them starting like an IPv4 header so the parser gets past byte 0.
        Arbitrary<byte[]> raw =
                Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(120);
        Arbitrary<byte[]> ipish = raw.map(b -> {
            if (b.length > 0) b[0] = (byte) 0x45;
            if (b.length > 9) b[9] = 6;
            return b;
        });
        return Arbitraries.oneOf(raw, ipish);
    }

    @Provide
    Arbitrary<byte[]> validPackets() {
        return Arbitraries.bytes()
                .array(byte[].class)
                .ofMaxSize(64)
                .map(payload -> TcpCodec.encode(new TcpDatagram(
                        Ipv4Address.CLIENT_DEFAULT,
                        Ipv4Address.SERVER_DEFAULT,
                        TcpSegment.builder(40000, 80)
                                .seq(7)
                                .ack(9)
                                .window(1000)
                                .payload(payload)
                                .build())));
    }
}
