package org.tcplab.server.capture;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Captures shipped in the jar ({@code resources/captures/}): TAP labs recorded against a real Linux
 * kernel by {@code scripts/record-captures.sh}, for students whose server has no TAP mode. Each opens
 * like an upload.
 */
final class CaptureSamples {

    /** One recorded capture, titled in both languages. */
    record Sample(
            String name, String file, String titleEn, String titleZh, String descriptionEn, String descriptionZh) {
        String title(Locale locale) {
            return zh(locale) ? titleZh : titleEn;
        }

        String description(Locale locale) {
            return zh(locale) ? descriptionZh : descriptionEn;
        }

        private static boolean zh(Locale locale) {
            return locale != null && "zh".equals(locale.getLanguage());
        }

        byte[] bytes() {
            try (InputStream in = CaptureSamples.class.getResourceAsStream("/captures/" + file)) {
                if (in == null) throw new IllegalStateException("capture sample missing from the jar: " + file);
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final List<Sample> ALL = List.of(
            new Sample(
                    "linux-handshake",
                    "linux-handshake.pcap",
                    "Linux, recorded: handshake, data, close",
                    "Linux 实录：握手、数据、关闭",
                    "Our stack connects to a Linux server on port 80, sends a line, and closes first; Linux answers"
                            + " and closes too. Recorded with tcpdump on the TAP device.",
                    "我们的协议栈连接 80 端口上的 Linux 服务器，发送一行数据后先关闭；Linux 回复后也关闭。用 tcpdump 在 TAP 设备上录制。"),
            new Sample(
                    "linux-refused",
                    "linux-refused.pcapng",
                    "Linux, recorded: connection refused",
                    "Linux 实录：连接被拒绝",
                    "A SYN to a port where nothing listens: Linux answers with RST,ACK at once. Recorded with dumpcap.",
                    "向没有进程监听的端口发送 SYN：Linux 立即回复 RST,ACK。用 dumpcap 录制。"),
            new Sample(
                    "linux-syn-ack-lost",
                    "linux-syn-ack-lost.pcapng",
                    "Linux, recorded: SYN,ACK lost",
                    "Linux 实录：SYN,ACK 丢失",
                    "Linux's first SYN,ACK is dropped on the way to the client, which sends its SYN again after its"
                            + " retransmission timeout; Linux answers the repeated SYN at once. Recorded on Linux's side"
                            + " of the drop, so the lost SYN,ACK is in the capture.",
                    "Linux 的第一个 SYN,ACK 在去往客户端的路上被丢弃，客户端在重传超时后再次发送 SYN；Linux 立即回应重复的 SYN。在丢包点靠 Linux 的一侧录制，所以丢失的 SYN,ACK 也在抓包里。"),
            new Sample(
                    "linux-simultaneous-close",
                    "linux-simultaneous-close.pcapng",
                    "Linux, recorded: simultaneous close",
                    "Linux 实录：同时关闭",
                    "Our stack and Linux close at the same moment, each FIN held 50 ms on a longer wire: the FINs"
                            + " cross and both sides pass through CLOSING to TIME_WAIT. Recorded with dumpcap.",
                    "我们的协议栈和 Linux 同时关闭：两个 FIN 交错而过，双方都经过 CLOSING 进入 TIME_WAIT。用 dumpcap 录制。"));

    private CaptureSamples() {}

    static Optional<Sample> find(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
    }
}
