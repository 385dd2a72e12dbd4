package org.tcplab.engine.lab;

import java.util.List;
import org.tcplab.engine.tcp.TcpState;

/**
 * What a lab made from a captured conversation shows about it (the snapshot's {@code capture});
 * filled by the {@code capture} package. Addresses as text (IPv4 dotted, IPv6 RFC 5952), endpoints as
 * {@code ip:port} ({@code [ip]:port} for IPv6). Times in microseconds.
 *
 * @param source the file's name as uploaded, or the recording's
 * @param format {@code pcap} or {@code pcapng}
 * @param conversation the conversation's number in the file (1, 2, ...)
 * @param segments segments of the conversation in the capture; {@code segmentsShown} of them are in the lab
 * @param complete the three-way handshake is in the capture
 * @param startEpochNanos the capture time (nanoseconds since 1970, UTC) of lab time 0
 * @param timeOffsetUs lab time of the first captured packet (a segment's sent time is its capture
 *     time minus its sender's delay from the capture point, plus this)
 * @param clientState the client's state at the end of the capture, as inferred
 * @param conversations every conversation of the same upload, this one included, with its lab
 */
public record CaptureInfo(
        String source,
        String format,
        int conversation,
        String clientIp,
        String serverIp,
        String client,
        String server,
        int ipVersion,
        long segments,
        int segmentsShown,
        boolean complete,
        long startEpochNanos,
        long durationUs,
        long clientDelayUs,
        long serverDelayUs,
        long timeOffsetUs,
        TcpState clientState,
        TcpState serverState,
        List<Sibling> conversations) {

    public CaptureInfo {
        conversations = List.copyOf(conversations);
    }

    /** One conversation of an upload and the lab that shows it. */
    public record Sibling(int index, String labId, String client, String server, long segments, boolean complete) {}
}
