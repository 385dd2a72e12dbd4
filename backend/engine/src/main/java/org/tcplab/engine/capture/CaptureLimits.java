package org.tcplab.engine.capture;

/**
 * How much of one capture an import takes. Every bound is a count, so an import's work is bounded
 * by the file's size and these numbers, never by what a length field claims.
 *
 * @param maxConversations TCP conversations turned into labs; later ones are counted and left out
 * @param maxSegmentsPerConversation segments kept per conversation; later ones are counted and left out
 */
public record CaptureLimits(int maxConversations, int maxSegmentsPerConversation) {

    /**
     * The largest packet a capture record may hold: libpcap's MAXIMUM_SNAPLEN, which tcpdump,
     * dumpcap and Wireshark never exceed for the link types read here.
     */
    public static final int MAX_PACKET_BYTES = 262_144;

    public CaptureLimits {
        if (maxConversations < 1) throw new IllegalArgumentException("maxConversations must be at least 1");
        if (maxSegmentsPerConversation < 1)
            throw new IllegalArgumentException("maxSegmentsPerConversation must be at least 1");
    }

    public static CaptureLimits defaults() {
        return new CaptureLimits(32, 20_000);
    }
}
