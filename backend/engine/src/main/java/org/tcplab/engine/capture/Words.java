package org.tcplab.engine.capture;

import java.util.Locale;

/**
 * What a teacher would say about a captured conversation, in English and Simplified Chinese (序列号
 * for sequence number, 确认号 for acknowledgment number, as the textbooks do). One method per thing
 * worth pointing at; numbers come in, sentences go out. The step names are stable: tests and the
 * browser key on them.
 */
final class Words {

    /** One narration: a stable step name and the sentence in both languages. */
    record Line(String step, String en, String zh) {}

    private Words() {}

    static String side(boolean client) {
        return client ? "client" : "server";
    }

    private static String zhSide(boolean client) {
        return client ? "客户端" : "服务器";
    }

    private static String subject(boolean client) {
        return client ? "The client" : "The server";
    }

    static String ms(long us) {
        if (us >= 10_000_000) return String.format(Locale.ROOT, "%.1f s", us / 1e6);
        if (us >= 1_000_000) return String.format(Locale.ROOT, "%.3f s", us / 1e6);
        if (us >= 10_000) return String.format(Locale.ROOT, "%.1f ms", us / 1e3);
        return String.format(Locale.ROOT, "%.3f ms", us / 1e3);
    }

    private static String zhMs(long us) {
        if (us >= 1_000_000) return String.format(Locale.ROOT, "%.3f 秒", us / 1e6);
        return String.format(Locale.ROOT, "%.3f 毫秒", us / 1e3);
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    // ---- the conversation as a whole

    static Line summary(int index, String client, String server, long segments, long durationUs, int ipVersion) {
        return new Line(
                "capture",
                "Conversation " + index + " of the capture: client " + client + ", server " + server + ", IPv"
                        + ipVersion + ", " + n(segments) + " segments over " + ms(durationUs)
                        + ". Times and bytes are the capture's; the states are inferred by replaying each side"
                        + " into our RFC 9293 state machine.",
                "抓包中的第 " + index + " 个会话：客户端 " + client + "，服务器 " + server + "，IPv" + ipVersion + "，共 "
                        + n(segments) + " 个报文段，历时 " + zhMs(durationUs)
                        + "。时间和字节都来自抓包；状态是把每一端的报文段重放进我们的 RFC 9293 状态机推断出来的。");
    }

    static Line capturePoint(long clientUs, long serverUs) {
        return new Line(
                "capture-point",
                "From the quickest answers each side gives, the capture point is about " + ms(clientUs)
                        + " from the client and "
                        + ms(serverUs)
                        + " from the server: arrows leave their sender that much before the capture saw them"
                        + " and reach the receiver that much after.",
                "根据双方最快的应答推算，抓包点距客户端约 " + zhMs(clientUs) + "，距服务器约 " + zhMs(serverUs)
                        + "：箭头从发送方出发的时间比抓包看到的早这么多，到达接收方的时间晚这么多。");
    }

    static Line flatArrows() {
        return new Line(
                "capture-point",
                "The capture holds no answer to measure the delays with: arrows are drawn at the times the"
                        + " capture saw them, flat.",
                "抓包中没有可用来测量时延的应答：箭头按抓包看到的时间画成水平的。");
    }

    static Line midConnection() {
        return new Line(
                "mid-connection",
                "The capture starts mid-connection: no SYN was captured, so both sides are taken to be"
                        + " ESTABLISHED, and relative numbers count from the first byte seen. Window scaling (if"
                        + " any) is unknown: it was agreed in the SYNs.",
                "抓包从连接中途开始：没有抓到 SYN，因此认为双方都已处于 ESTABLISHED，相对序号从看到的第一个字节算起。" + "窗口扩大因子（如有）无从得知：它是在 SYN 中协商的。");
    }

    static Line leftOut(long kept, long total) {
        return new Line(
                "left-out",
                "This conversation has " + n(total) + " segments; the lab shows the first " + n(kept)
                        + " (tcplab.max-capture-segments).",
                "这个会话有 " + n(total) + " 个报文段；实验只显示前 " + n(kept) + " 个（tcplab.max-capture-segments）。");
    }

    static Line end(String clientState, String serverState) {
        return new Line(
                "end",
                "The capture ends here. Inferred states: client " + clientState + ", server " + serverState
                        + ". What happened afterwards (timers, later segments) is not in the capture.",
                "抓包到此结束。推断的状态：客户端 " + clientState + "，服务器 " + serverState + "。之后发生的事（定时器、后续报文段）不在抓包里。");
    }

    // ---- handshake

    static Line syn(boolean client, long isn, String options) {
        return new Line(
                "syn",
                subject(client) + " opens the connection: SYN with its initial sequence number (ISN) " + isn
                        + " (relative 0). It offers " + options + ". It is now SYN_SENT.",
                zhSide(client) + "发起连接：SYN 携带其初始序列号（ISN）" + isn + "（相对序号 0），提供的选项：" + zhOptions(options)
                        + "。它进入 SYN_SENT 状态。");
    }

    static Line synRetransmitted(boolean client, long afterUs, int count) {
        return new Line(
                "syn-retransmission",
                subject(client) + " sends its SYN again (" + ordinal(count) + " time), " + ms(afterUs)
                        + " after the previous one: no SYN,ACK came back in time (lost SYN, lost SYN,ACK, or"
                        + " nobody answers). RFC 6298 starts at 1 s and doubles; Linux too (tcp_syn_retries).",
                zhSide(client) + "再次发送 SYN（第 " + count + " 次），距上一次 " + zhMs(afterUs)
                        + "：没有及时收到 SYN,ACK（SYN 丢失、SYN,ACK 丢失，或无人应答）。RFC 6298 从 1 秒开始并逐次加倍，Linux 也是如此（tcp_syn_retries）。");
    }

    static Line synAckRetransmitted(boolean client, long afterUs, int count) {
        return new Line(
                "syn-retransmission",
                subject(client) + " sends its SYN,ACK again (" + ordinal(count) + " time), " + ms(afterUs)
                        + " after the previous one: the ACK did not come, or the other side sent its SYN again"
                        + " (it never got the SYN,ACK). Linux answers a repeated SYN with a SYN,ACK at once.",
                zhSide(client) + "再次发送 SYN,ACK（第 " + count + " 次），距上一次 " + zhMs(afterUs)
                        + "：ACK 没有到来，或者对方又发了一次 SYN（它没有收到 SYN,ACK）。Linux 收到重复的 SYN 会立即回复 SYN,ACK。");
    }

    static Line synAck(boolean client, long isn, long ack, long peerIsn, String options) {
        return new Line(
                "syn-ack",
                subject(client) + " answers SYN,ACK: its own ISN " + isn + ", acknowledgment number " + ack
                        + " = the other side's ISN " + peerIsn + " + 1 (a SYN takes one sequence number). It"
                        + " agrees to " + options + ".",
                zhSide(client) + "回复 SYN,ACK：自己的 ISN 为 " + isn + "，确认号 " + ack + " = 对方的 ISN " + peerIsn
                        + " + 1（SYN 占用一个序列号）。它接受的选项：" + zhOptions(options) + "。");
    }

    static Line handshakeDone(long rttUs) {
        return new Line(
                "handshake",
                "The client's ACK completes the three-way handshake (RFC 9293 §3.5): both ISNs are"
                        + " acknowledged. Round trip seen from the capture point: " + ms(rttUs) + ".",
                "客户端的 ACK 完成了三次握手（RFC 9293 §3.5）：双方的 ISN 都已被确认。从抓包点看到的往返时间：" + zhMs(rttUs) + "。");
    }

    static Line negotiated(String en, String zh) {
        return new Line("options", en, zh);
    }

    static Line scaledWindow(boolean client, int field, int shift) {
        long bytes = (long) field << shift;
        return new Line(
                "window-scale",
                subject(client) + "'s window field says " + field + "; with its scale factor 2^" + shift + " that is "
                        + n(bytes) + " bytes it can take (RFC 7323 §2.3).",
                zhSide(client) + "的窗口字段为 " + field + "，乘以它的窗口扩大因子 2^" + shift + " 即可接收 " + n(bytes)
                        + " 字节（RFC 7323 §2.3）。");
    }

    // ---- data transfer

    static Line retransmission(boolean client, long relSeq, int length, long afterUs, boolean fast) {
        String what = length > 0 ? "bytes " + relSeq + " to " + (relSeq + length - 1) : "its FIN";
        String zhWhat = length > 0 ? "字节 " + relSeq + " 到 " + (relSeq + length - 1) : "FIN";
        return new Line(
                "retransmission",
                subject(client) + " sends " + what + " (relative) again, " + ms(afterUs) + " after the previous time: "
                        + (fast
                                ? "a fast retransmit after three duplicate ACKs (RFC 5681 §3.2)."
                                : "its retransmission timer ran out (RFC 6298), or the first copy was lost before the capture point."),
                zhSide(client) + "重传了" + zhWhat + "（相对序号），距上一次 " + zhMs(afterUs) + "："
                        + (fast ? "收到三个重复 ACK 后的快速重传（RFC 5681 §3.2）。" : "重传定时器超时（RFC 6298），或第一份在到达抓包点之前就丢了。"));
    }

    static Line lost(boolean client, String what, String zhWhat) {
        return new Line(
                "lost",
                subject(client) + "'s " + what + " probably never arrived: the other side's next segments do not"
                        + " acknowledge it, and it is sent again (lost after the capture point, or dropped by the"
                        + " receiver).",
                zhSide(client) + "的" + zhWhat + "很可能没有到达：对方随后的报文段没有确认它，它又被重发了（在抓包点之后丢失，或被接收方丢弃）。");
    }

    static Line duplicateAcks(boolean client, long relAck, int count) {
        return new Line(
                "duplicate-ack",
                subject(client) + " repeats acknowledgment number " + relAck + " (relative) for the " + ordinal(count)
                        + " time: data after a gap keeps arriving. At three duplicate ACKs the sender should"
                        + " retransmit at once (fast retransmit, RFC 5681 §3.2).",
                zhSide(client) + "第 " + count + " 次重复确认号 " + relAck
                        + "（相对序号）：缺口之后的数据不断到达。收到三个重复 ACK 时，发送方应立即重传（快速重传，RFC 5681 §3.2）。");
    }

    static Line outOfOrder(boolean client, long relSeq) {
        return new Line(
                "out-of-order",
                subject(client) + "'s segment at " + relSeq + " (relative) fills a gap below data already seen: out"
                        + " of order, or a retransmission whose first copy the capture never saw.",
                zhSide(client) + "在相对序号 " + relSeq + " 处的报文段填补了已见数据之前的缺口：乱序到达，或者是重传而第一份没有被抓到。");
    }

    static Line captureMissed(boolean client, long bytes) {
        return new Line(
                "capture-gap",
                subject(client) + "'s data jumps ahead by " + n(bytes) + " bytes: those were not captured (the"
                        + " capture dropped them, or they were lost before the capture point).",
                zhSide(client) + "的数据向前跳了 " + n(bytes) + " 字节：这些字节没有被抓到（抓包丢失，或在到达抓包点之前已丢失）。");
    }

    static Line ackedUnseen(boolean client, long bytes) {
        return new Line(
                "capture-gap",
                subject(client) + " acknowledges " + n(bytes) + " bytes the capture never showed the other side"
                        + " sending: the capture missed them.",
                zhSide(client) + "确认了 " + n(bytes) + " 字节，而抓包中从未见到对方发送它们：抓包漏掉了这些字节。");
    }

    static Line zeroWindow(boolean client) {
        return new Line(
                "zero-window",
                subject(client) + " advertises a zero window: its receive buffer is full, the other side must stop"
                        + " sending and probe now and then (persist timer, RFC 9293 §3.8.6.1).",
                zhSide(client) + "通告零窗口：它的接收缓冲区满了，对方必须停止发送，并不时发送窗口探测（坚持定时器，RFC 9293 §3.8.6.1）。");
    }

    static Line windowOpens(boolean client, long bytes) {
        return new Line(
                "window-update",
                subject(client) + " opens its window again (" + n(bytes) + " bytes): sending may resume.",
                zhSide(client) + "重新打开窗口（" + n(bytes) + " 字节）：发送可以继续。");
    }

    // ---- closing

    static Line refused(boolean client, int port) {
        return new Line(
                "rst",
                subject(client) + " answers the SYN with RST: nothing listens on port " + port
                        + ", the connection is refused (RFC 9293 §3.10.7.1).",
                zhSide(client) + "用 RST 回应 SYN：端口 " + port + " 上没有进程在监听，连接被拒绝（RFC 9293 §3.10.7.1）。");
    }

    static Line reset(boolean client, String state) {
        return new Line(
                "rst",
                subject(client) + " sends RST" + (state == null ? "" : " (it was " + state + ")")
                        + ": it aborts the connection; a receiver that accepts the RST drops it at once, unsent and"
                        + " unread data included.",
                zhSide(client) + "发送 RST" + (state == null ? "" : "（此前处于 " + state + "）")
                        + "：它中止了连接；接收方一旦接受这个 RST，就立即丢弃连接，包括未发送和未读取的数据。");
    }

    static Line firstFin(boolean client) {
        return new Line(
                "fin",
                subject(client) + " closes first (active close): FIN. It goes to FIN_WAIT_1 and, once the other side"
                        + " has closed too, to TIME_WAIT.",
                zhSide(client) + "先关闭（主动关闭）：发送 FIN，进入 FIN_WAIT_1；对方也关闭后，它将进入 TIME_WAIT。");
    }

    static Line secondFin(boolean client) {
        return new Line(
                "fin",
                subject(client) + " closes as well (passive close): its FIN takes it from CLOSE_WAIT to LAST_ACK;"
                        + " the ACK of this FIN ends the connection on its side.",
                zhSide(client) + "也关闭了（被动关闭）：它的 FIN 使它从 CLOSE_WAIT 进入 LAST_ACK；对这个 FIN 的 ACK 到达后，它这一端的连接就结束了。");
    }

    static Line simultaneousClose() {
        return new Line(
                "fin",
                "The two FINs crossed: each side sent its FIN before it had the other's. A simultaneous close"
                        + " (RFC 9293 figure 13): both go through CLOSING, and both end in TIME_WAIT.",
                "两个 FIN 交错而过：双方都在收到对方的 FIN 之前发出了自己的 FIN。这是同时关闭（RFC 9293 图 13）：双方都经过 CLOSING，最后都进入 TIME_WAIT。");
    }

    static Line timeWait(boolean client) {
        return new Line(
                "time-wait",
                subject(client) + " is in TIME_WAIT: it keeps the connection's numbers for 2 x MSL (RFC 9293:"
                        + " 2 x 2 min; Linux: 60 s) so late segments die out and its last ACK can be sent again.",
                zhSide(client)
                        + "处于 TIME_WAIT：它将连接的编号保留 2 x MSL（RFC 9293：2 x 2 分钟；Linux：60 秒），让迟到的报文段消亡，并在需要时重发最后的 ACK。");
    }

    // ---- the capture point and the RFC

    static Line checksumOffload(boolean client, long bad, long good) {
        String which = good == 0 ? "All " + n(bad) : n(bad) + " of " + n(bad + good);
        String zhWhich = good == 0 ? "全部 " + n(bad) : n(bad + good) + " 个中的 " + n(bad);
        return new Line(
                "checksum-offload",
                which + " checksummed segments sent by the " + side(client)
                        + " have a wrong TCP checksum: the capture was taken on the " + side(client)
                        + " before its network card filled the checksum in (checksum offload). Not an error on the"
                        + " wire: the other side's acknowledgments show the segments arrived.",
                zhSide(client) + "发送的可校验报文段中，" + zhWhich + " 个的 TCP 校验和不对：抓包是在" + zhSide(client)
                        + "上、网卡填写校验和之前进行的（校验和卸载）。这不是线路上的错误：对方的确认表明这些报文段都到达了。");
    }

    static Line checksumBothSides(long bad, long good) {
        String which = good == 0 ? "All " + n(bad) : n(bad) + " of " + n(bad + good);
        String zhWhich = good == 0 ? "全部 " + n(bad) : n(bad + good) + " 个中的 " + n(bad);
        return new Line(
                "checksum-offload",
                which + " checksummed segments have a wrong TCP checksum, from both sides: both ends are on the"
                        + " capturing machine (loopback, where Linux leaves most checksums unfilled) or both"
                        + " offload checksums to their network cards. Not errors on the wire.",
                "可校验报文段中，" + zhWhich
                        + " 个的 TCP 校验和不对，而且双方都有：两端都在抓包的机器上（回环接口上 Linux 大多不填写校验和），或者都把校验和交给网卡计算。这不是线路上的错误。");
    }

    static Line segmentationOffload(boolean client, int length, int mss) {
        return new Line(
                "tso",
                subject(client) + " sends " + n(length) + " bytes in one segment, more than the MSS " + mss
                        + ": captured before its network card cut it into MSS-sized segments (segmentation"
                        + " offload). On the wire these were several segments.",
                zhSide(client) + "在一个报文段中发送了 " + n(length) + " 字节，超过了 MSS " + mss
                        + "：这是在网卡把它切分成 MSS 大小的报文段之前抓到的（分段卸载）。在线路上它是多个报文段。");
    }

    static Line snaplen(long count) {
        return new Line(
                "snaplen",
                n(count) + " segments were cut short by the capture's snapshot length: their payload is"
                        + " incomplete and their checksums cannot be checked (capture with -s 0 to keep all of it).",
                n(count) + " 个报文段被抓包的快照长度截短了：载荷不完整，校验和也无法检查（用 -s 0 抓包可保留全部内容）。");
    }

    static Line stackWould(boolean client, String what, String zhWhat) {
        return new Line(
                "rfc",
                "Our RFC 9293 stack in the " + side(client) + "'s place would answer this with " + what + ".",
                "如果换成我们的 RFC 9293 协议栈处在" + zhSide(client) + "的位置，它会回应" + zhWhat + "。");
    }

    static Line oddity(boolean client, String what) {
        return new Line(
                "rfc",
                subject(client) + " " + what + ": no RFC 9293 stack does that in the state inferred for it (a"
                        + " capture artefact, a crafted packet, or our inference is off).",
                zhSide(client) + "在推断出的状态下出现了不合 RFC 9293 的行为（" + what + "）：这可能是抓包伪影、人为构造的报文，或是我们的推断有偏差。");
    }

    static Line timestampsBackwards(long number) {
        return new Line(
                "timestamps",
                "Packet " + number + "'s timestamp is earlier than the one before it (a capture from several"
                        + " interfaces, or a clock step): it is drawn at the earlier packet's time.",
                "第 " + number + " 个报文的时间戳早于它前面的报文（多个接口一起抓包，或时钟跳变）：它按前一个报文的时间画出。");
    }

    static Line more(String step, long count) {
        return new Line(
                step,
                "... and " + n(count) + " more of these (" + step + ") in this conversation.",
                "……本会话中还有 " + n(count) + " 处同类情况（" + step + "）。");
    }

    private static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13
                ? "th"
                : switch (n % 10) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return n + suffix;
    }

    /** The option summaries are built in English words; these are their Chinese counterparts. */
    static String zhOptions(String en) {
        return en.replace("no options", "无选项")
                .replace("window scale", "窗口扩大因子")
                .replace("SACK permitted", "允许 SACK")
                .replace("timestamps", "时间戳")
                .replace(" and ", "、")
                .replace(", ", "、");
    }
}
