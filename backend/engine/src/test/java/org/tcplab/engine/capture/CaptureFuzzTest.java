package org.tcplab.engine.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;

/**
 * Mutated captures (bits flipped, bytes and length fields set to extremes, cut, spliced) through
 * the whole import: reading, decoding, conversations, replay and narration. Every file is either
 * refused with a {@link CaptureFormatException} or imported, never anything else, and the work
 * done is bounded by the file's size: counted in records, segments and synthetic feeds, not time.
 */
class CaptureFuzzTest {

    /** One change to a file. */
    record Mutation(int kind, int position, int value) {
        byte[] apply(byte[] in) {
            if (in.length == 0) return in;
            int at = Math.floorMod(position, in.length);
            byte[] out = in.clone();
            switch (kind) {
                case 0 -> out[at] ^= (byte) (1 << (value & 7));
                case 1 -> out[at] = (byte) value;
                case 2 -> {
                    int word = at & ~3;
                    if (word + 4 <= out.length) {
                        int[] extremes = {0, -1, 0x7fffffff, 0x80000000, 12, 16, 0xffff, value};
                        ByteBuffer.wrap(out).putInt(word, extremes[Math.floorMod(value, extremes.length)]);
                    }
                }
                case 3 -> out = java.util.Arrays.copyOf(out, at);
                case 4 -> {
                    int len = Math.min(Math.floorMod(value, 64) + 1, out.length - at);
                    byte[] spliced = new byte[out.length + len];
                    System.arraycopy(out, 0, spliced, 0, at + len);
                    System.arraycopy(out, at, spliced, at + len, out.length - at);
                    out = spliced;
                }
                default -> {
                    int len = Math.min(Math.floorMod(value, 64) + 1, out.length - at);
                    byte[] cut = new byte[out.length - len];
                    System.arraycopy(out, 0, cut, 0, at);
                    System.arraycopy(out, at + len, cut, at, out.length - at - len);
                    out = cut;
                }
            }
            return out;
        }
    }

    static final List<byte[]> SEEDS = seeds();

    static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        SimulatedCaptureTest.Run run =
                SimulatedCaptureTest.simulate(7, 10_000, 3000, 5000, SimulatedCaptureTest.Close.CLIENT_FIRST, 0.1);
        List<CaptureBytes.Frame> frames = CaptureBytes.capturedAt(HostName.CLIENT, run.log());
        out.add(CaptureBytes.pcap(101, frames));
        CaptureBytes.Pcapng ng = new CaptureBytes.Pcapng(false).iface(1, 9, 0);
        for (CaptureBytes.Frame f : frames) ng.epb(0, f.timeNanos(), CaptureBytes.ethernet(f.data(), 0x0800, 0x8100));
        out.add(ng.build());
        CaptureBytes.Pcapng mix = new CaptureBytes.Pcapng(true);
        List<Integer> linkTypes = new ArrayList<>();
        for (PacketDecoderTest.Case c : PacketDecoderTest.cases()) {
            if (!linkTypes.contains(c.linkType())) {
                linkTypes.add(c.linkType());
                mix.iface(c.linkType());
            }
        }
        int i = 0;
        for (PacketDecoderTest.Case c : PacketDecoderTest.cases()) {
            mix.epb(linkTypes.indexOf(c.linkType()), 1_000_000L * i++, c.frame());
        }
        out.add(mix.build());
        return out;
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Mutation> one = Combinators.combine(
                        Arbitraries.integers().between(0, 5), Arbitraries.integers(), Arbitraries.integers())
                .as(Mutation::new);
        return one.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 300)
    void mutatedCapturesAreRefusedOrImportedNeverWorse(
            @ForAll("mutations") List<Mutation> mutations, @ForAll("seedIndex") int seed) {
        byte[] file = SEEDS.get(seed);
        for (Mutation m : mutations) file = m.apply(file);
        long[] records = {0};
        CaptureImport.Result imported;
        try {
            CaptureFile.read(ByteBuffer.wrap(file), p -> records[0]++);
            imported = CaptureImport.read(ByteBuffer.wrap(file), CaptureLimits.defaults());
        } catch (CaptureFormatException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        // Every record takes at least 16 bytes of the file: reading is linear in its size.
        assertThat(records[0]).isLessThanOrEqualTo(file.length / 16 + 1);
        for (Conversation c : imported.conversations()) {
            ConversationReplay.Result r = ConversationReplay.replay(c);
            int n = c.segments().size();
            assertThat(r.work()).isLessThanOrEqualTo(4L * n + 10_000);
            // Per segment: sent, delivered or dropped, a few states and narrations; bounded, never a flood.
            assertThat((long) r.events().size()).isLessThanOrEqualTo(12L * n + 100);
            for (LabEvent e : r.events()) assertThat(e.timeUs()).isGreaterThanOrEqualTo(0);
        }
    }

    @Provide
    Arbitrary<Integer> seedIndex() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1);
    }
}
