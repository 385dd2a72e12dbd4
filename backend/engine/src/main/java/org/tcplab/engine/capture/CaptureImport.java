package org.tcplab.engine.capture;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A capture file to TCP conversations: {@link CaptureFile} reads the records, {@link PacketDecoder}
 * finds the TCP segments, {@link ConversationTable} sorts them. What is not TCP over IP is counted
 * by reason. A file with no TCP segment at all is refused with what it held instead.
 */
public final class CaptureImport {

    /** Distinct skip details kept; more are counted under their reason alone. */
    private static final int MAX_SKIP_DETAILS = 32;

    /** Packets left aside, by reason code ({@link PacketDecoder.Skipped}) and detail. */
    public record Skip(String reason, String detail, long count) {}

    /**
     * @param packets every packet record in the file
     * @param tcpSegments the TCP segments found (in conversations kept or left out)
     * @param leftOutConversations conversations past {@link CaptureLimits#maxConversations()}
     * @param leftOutPackets their segments
     */
    public record Result(
            CaptureFile.Format format,
            long packets,
            long tcpSegments,
            List<Conversation> conversations,
            List<Skip> skipped,
            long leftOutConversations,
            long leftOutPackets) {}

    private CaptureImport() {}

    public static Result read(ByteBuffer file, CaptureLimits limits) {
        ConversationTable table = new ConversationTable(limits);
        Map<String, long[]> skipped = new LinkedHashMap<>();
        long[] counts = new long[2]; // packets, TCP segments
        CaptureFile.Format format = CaptureFile.read(file, p -> {
            counts[0]++;
            PacketDecoder.Result r = PacketDecoder.decode(p);
            if (r instanceof PacketDecoder.Segment s) {
                counts[1]++;
                table.add(s.segment());
            } else {
                PacketDecoder.Skipped k = (PacketDecoder.Skipped) r;
                String key = k.reason() + "\u0000" + k.detail();
                long[] c = skipped.get(key);
                if (c == null && skipped.size() >= MAX_SKIP_DETAILS) {
                    key = k.reason() + "\u0000";
                    c = skipped.get(key);
                }
                if (c == null) skipped.put(key, c = new long[1]);
                c[0]++;
            }
        });
        List<Skip> skips = new ArrayList<>();
        skipped.forEach((key, c) -> {
            int cut = key.indexOf('\u0000');
            String detail = key.substring(cut + 1);
            skips.add(new Skip(key.substring(0, cut), detail.isEmpty() ? "other" : detail, c[0]));
        });
        if (counts[1] == 0) {
            throw new CaptureFormatException(noTcp(format, counts[0], skips));
        }
        return new Result(
                format,
                counts[0],
                counts[1],
                table.conversations(),
                skips,
                table.leftOutConversations(),
                table.leftOutPackets());
    }

    private static String noTcp(CaptureFile.Format format, long packets, List<Skip> skips) {
        if (packets == 0) {
            return "the " + format.id() + " file holds no packets: capture some TCP traffic, e.g."
                    + " tcpdump -i any -w hs.pcap port 80";
        }
        StringBuilder sb = new StringBuilder("the " + format.id() + " file holds " + packets
                + (packets == 1 ? " packet" : " packets") + " and no TCP segment (");
        for (int i = 0; i < skips.size() && i < 6; i++) {
            if (i > 0) sb.append(", ");
            Skip s = skips.get(i);
            sb.append(s.count()).append(' ').append(s.detail());
        }
        if (skips.size() > 6) sb.append(", ...");
        return sb.append("): capture TCP traffic, e.g. tcpdump -i any -w hs.pcap port 80")
                .toString();
    }
}
