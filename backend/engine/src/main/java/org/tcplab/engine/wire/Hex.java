package org.tcplab.engine.wire;

import java.util.HexFormat;

/** Lower-case hex without separators, as the event schema's {@code bytes} field wants it. */
public final class Hex {
    private static final HexFormat FORMAT = HexFormat.of();

    private Hex() {}

    public static String of(byte[] bytes) {
        return FORMAT.formatHex(bytes);
    }

    public static String of(byte[] bytes, int from, int to) {
        return FORMAT.formatHex(bytes, from, to);
    }

    public static byte[] parse(String hex) {
        return FORMAT.parseHex(hex);
    }
}
