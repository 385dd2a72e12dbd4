package org.tcplab.engine.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ByteQueueTest {

    @Test
    void agreesWithAPlainListUnderRandomAppendsDropsAndCopies() {
        for (long seed = 0; seed < 50; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            ByteQueue q = new ByteQueue();
            List<Byte> model = new ArrayList<>();
            byte next = 0;
            for (int op = 0; op < 300; op++) {
                int kind = random.nextInt(3);
                if (kind == 0) {
                    // Sizes from a few bytes to several blocks, so small tails grow and strides cross.
                    int len = random.nextBoolean() ? random.nextInt(1, 100) : random.nextInt(1, 40_000);
                    byte[] data = new byte[len];
                    for (int i = 0; i < len; i++) data[i] = next++;
                    int off = random.nextInt(0, 3);
                    byte[] padded = new byte[len + off];
                    System.arraycopy(data, 0, padded, off, len);
                    q.append(padded, off, len);
                    for (byte b : data) model.add(b);
                } else if (kind == 1 && !model.isEmpty()) {
                    int n = random.nextInt(0, model.size() + 1);
                    q.drop(n);
                    model.subList(0, n).clear();
                } else if (!model.isEmpty()) {
                    int from = random.nextInt(0, model.size());
                    int len = random.nextInt(0, model.size() - from + 1);
                    byte[] got = q.copy(from, len);
                    for (int i = 0; i < len; i++) assertThat(got[i]).isEqualTo(model.get(from + i));
                }
                assertThat(q.size()).isEqualTo(model.size());
            }
        }
    }

    @Test
    void copyingPastTheEndIsRefused() {
        ByteQueue q = new ByteQueue();
        q.append(new byte[10], 0, 10);
        assertThatThrownBy(() -> q.copy(5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
