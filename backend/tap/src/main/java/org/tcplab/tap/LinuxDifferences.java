package org.tcplab.tap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.tcplab.engine.event.EventSink;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.tcp.TcpState;
import org.tcplab.engine.wire.TcpFlags;
import org.tcplab.engine.wire.TcpHeaderFields;
import org.tcplab.engine.wire.TcpOption;
import org.tcplab.engine.wire.WireSegment;

/**
 * Says where the Linux kernel differs from the RFCs and from our stack, as it happens: a sink in
 * front of the lab's sink that passes every event on and, after a Linux segment or a Linux state
 * change that shows a difference, adds a bilingual {@link LabEvent.Narration} (steps {@code linux:*}).
 *
 * <p>Each narration states what was measured on the wire (delays are between the frames' times in
 * the lab's log) and then cites the RFC section and the Linux setting behind the difference; it
 * never claims a cause the log cannot show. Each kind is said at most once per connection (the
 * option comparison once per lab), so bulk transfers do not flood the narration.
 *
 * <p>Used only from the lab's driver thread, like the sink it wraps.
 */
final class LinuxDifferences implements EventSink {

    static final String SYN_RETRANSMISSION = "linux:syn-retransmission";
    static final String SYNACK_RETRANSMISSION = "linux:synack-retransmission";
    static final String DATA_RETRANSMISSION = "linux:data-retransmission";
    static final String TIME_WAIT = "linux:time-wait";
    static final String TIME_WAIT_END = "linux:time-wait-end";
    static final String SYN_OPTIONS = "linux:syn-options";
    static final String CHALLENGE_ACK = "linux:challenge-ack";

    /** The namespace's settings the narrations cite, read once when the lab starts. */
    static final List<String> SYSCTLS = List.of(
            "tcp_syn_retries",
            "tcp_synack_retries",
            "tcp_syn_linear_timeouts",
            "tcp_rto_min_us",
            "tcp_sack",
            "tcp_timestamps",
            "tcp_window_scaling",
            "tcp_invalid_ratelimit",
            "tcp_challenge_ack_limit");

    /** Linux's TCP_TIMEWAIT_LEN (include/net/tcp.h): compiled in, no sysctl changes it. */
    private static final long LINUX_TIME_WAIT_US = 60_000_000;
    /** Linux's TCP_RTO_MIN, the default of net.ipv4.tcp_rto_min_us. */
    private static final long LINUX_RTO_MIN_US = 200_000;
    /** How long after our RST or SYN an ACK from Linux still counts as its answer. */
    private static final long CHALLENGE_WINDOW_US = 500_000;
    /** Bound on remembered send times of Linux's data per connection (bulk transfers). */
    private static final int MAX_REMEMBERED = 4096;

    private final EventSink next;
    private final HostName linux;
    private final TcpConfig ourConfig;
    private final Map<String, String> sysctls;
    private final Map<String, Conn> conns = new LinkedHashMap<>();
    private LabEvent.SegmentSent ourFirstSyn;
    private LabEvent.SegmentSent linuxFirstSyn;
    private boolean optionsTold;

    /** What is remembered per connection. */
    private static final class Conn {
        final Set<String> told = new HashSet<>();
        long linuxSynAt = -1;
        long linuxSynSeq;
        /** Linux's data segments' first send times by sequence number (unsigned 32-bit). */
        final TreeMap<Long, Long> linuxDataAt = new TreeMap<>();

        long ourLastAt = -1;
        boolean ourLastWasSynRetransmission;
        long timeWaitAt = -1;
        TcpState linuxState = TcpState.CLOSED;
        long linuxAck = -1;
        long challengeTriggerAt = -1;
        long challengeTriggerSeq;
        String challengeTrigger;
    }

    /**
     * @param sysctls the namespace's values of {@link #SYSCTLS} (missing ones are not cited)
     */
    LinuxDifferences(EventSink next, HostName linux, TcpConfig ourConfig, Map<String, String> sysctls) {
        this.next = next;
        this.linux = linux;
        this.ourConfig = ourConfig;
        this.sysctls = new LinkedHashMap<>(sysctls);
    }

    /** Reads {@link #SYSCTLS} in the lab's namespace; a setting this kernel lacks is left out. */
    static Map<String, String> readSysctls(NetNamespace ns) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            ns.inside(() -> {
                for (String s : SYSCTLS) {
                    Path p = Path.of("/proc/sys/net/ipv4/" + s);
                    if (Files.isReadable(p)) {
                        // Read as a stream: Files.readString trusts the size procfs reports and came back short here.
                        try (java.io.BufferedReader r = Files.newBufferedReader(p)) {
                            String line = r.readLine();
                            if (line != null) {
                                out.put(s, line.trim());
                            }
                        }
                    }
                }
                return null;
            });
        } catch (RuntimeException e) {
            // Narrations then name the settings without their values.
        }
        return out;
    }

    @Override
    public void emit(LabEvent event) {
        next.emit(event);
        if (event.connection() == null) {
            return;
        }
        if (event instanceof LabEvent.SegmentSent s) {
            if (s.from() == linux) {
                if (s.note() == null) {
                    linuxSegment(s, conn(s.connection()));
                }
            } else {
                ourSegment(s, conn(s.connection()));
            }
        } else if (event instanceof LabEvent.StateChanged st && st.host() == linux) {
            linuxState(st, conn(st.connection()));
        }
    }

    private Conn conn(String id) {
        return conns.computeIfAbsent(id, k -> new Conn());
    }

    // ---- our segments ------------------------------------------------------------------------

    private void ourSegment(LabEvent.SegmentSent s, Conn c) {
        TcpHeaderFields w = s.header();
        boolean syn = w.flags().syn();
        boolean rst = w.flags().rst();
        c.ourLastAt = s.timeUs();
        c.ourLastWasSynRetransmission = syn && s.retransmission();
        if (syn && ourFirstSyn == null && s.note() == null) {
            ourFirstSyn = s;
            compareOptions(s.timeUs(), s.connection());
        }
        // RFC 5961: an RST that is not exactly RCV.NXT, or any SYN, on a synchronized connection
        // draws a challenge ACK. Only what we sent last can be what Linux answers.
        c.challengeTrigger = null;
        if (c.linuxState == TcpState.ESTABLISHED && c.linuxAck >= 0) {
            if (rst && w.seq() != c.linuxAck) {
                c.challengeTrigger = "rst";
            } else if (syn && !w.flags().ack()) {
                c.challengeTrigger = "syn";
            }
            c.challengeTriggerAt = s.timeUs();
            c.challengeTriggerSeq = w.seq();
        }
    }

    // ---- Linux's segments --------------------------------------------------------------------

    private void linuxSegment(LabEvent.SegmentSent s, Conn c) {
        TcpHeaderFields w = s.header();
        TcpFlags f = w.flags();
        boolean syn = f.syn();
        boolean ack = f.ack();
        challengeAnswer(s, c);
        if (ack) {
            c.linuxAck = w.ack();
        }
        if (syn) {
            if (linuxFirstSyn == null) {
                linuxFirstSyn = s;
                compareOptions(s.timeUs(), s.connection());
            }
            if (!s.retransmission() || c.linuxSynAt < 0 || c.linuxSynSeq != w.seq()) {
                if (!s.retransmission()) {
                    c.linuxSynAt = s.timeUs();
                    c.linuxSynSeq = w.seq();
                }
                return;
            }
            synRetransmission(s, c, ack);
            return;
        }
        boolean fin = f.fin();
        if ((w.payloadLength() == 0 && !fin) || f.rst() || c.told.contains(DATA_RETRANSMISSION)) {
            return;
        }
        if (!s.retransmission()) {
            c.linuxDataAt.putIfAbsent(w.seq(), s.timeUs());
            if (c.linuxDataAt.size() > MAX_REMEMBERED) {
                c.linuxDataAt.pollFirstEntry();
            }
            return;
        }
        dataRetransmission(s, c);
    }

    private void synRetransmission(LabEvent.SegmentSent s, Conn c, boolean synAck) {
        String step = synAck ? SYNACK_RETRANSMISSION : SYN_RETRANSMISSION;
        if (!c.told.add(step)) {
            return;
        }
        long delay = s.timeUs() - c.linuxSynAt;
        String after = seconds(delay);
        // Linux answers a repeated SYN with its SYN-ACK at once; say so when that is what the log shows.
        boolean answered = synAck && c.ourLastWasSynRetransmission && s.timeUs() - c.ourLastAt < 50_000;
        String ourRto = seconds(ourConfig.initialRtoUs());
        String en;
        String zh;
        if (synAck) {
            String retries = setting("tcp_synack_retries", "5");
            en = "Linux re-sent its SYN-ACK " + after + " after the first one"
                    + (answered
                            ? ", right after our re-sent SYN (Linux answers a repeated SYN with its SYN-ACK at once)"
                            : "")
                    + ". Linux's SYN-ACK timer starts at 1 s (TCP_TIMEOUT_INIT) and doubles, for up to "
                    + retries + " re-sends (net.ipv4.tcp_synack_retries); its linear SYN timeouts"
                    + " (net.ipv4.tcp_syn_linear_timeouts) apply only to a connecting socket's SYN."
                    + " RFC 6298 §5.5 doubles the RTO after each timeout (1, 2, 4 s); our stack does that from "
                    + ourRto + ", for up to " + ourConfig.synAckRetries() + " re-sends.";
            zh = "Linux 在第一个 SYN-ACK 之后 " + after + " 重发了它的 SYN-ACK"
                    + (answered ? "，紧跟在我们重发的 SYN 之后（Linux 收到重复的 SYN 会立即回复 SYN-ACK）" : "")
                    + "。Linux 的 SYN-ACK 定时器从 1 秒（TCP_TIMEOUT_INIT）开始并逐次加倍，最多重发 "
                    + retries + " 次（net.ipv4.tcp_synack_retries）；它的线性 SYN 超时"
                    + "（net.ipv4.tcp_syn_linear_timeouts）只用于主动连接方的 SYN。"
                    + "RFC 6298 §5.5 规定每次超时后 RTO 加倍（1、2、4 秒）；我们的协议栈从 "
                    + ourRto + " 开始这样做，最多重发 " + ourConfig.synAckRetries() + " 次。";
        } else {
            String retries = setting("tcp_syn_retries", "6");
            String linear = sysctls.get("tcp_syn_linear_timeouts");
            // Documented with the sysctl: N linear timeouts after the first, so RTOs of 1 s (N + 1 times), then 2, 4
            // s...
            String linearEn = linear == null
                    ? "Linux 6.x waits about 1 s before each of its first SYN re-sends (net.ipv4.tcp_syn_linear_timeouts)"
                            + " and only then doubles"
                    : "With net.ipv4.tcp_syn_linear_timeouts = " + linear
                            + " here, Linux waits about 1 s before each of its" + " first " + linearCount(linear)
                            + " SYN re-sends and only then doubles (2, 4 s ...)";
            String linearZh = linear == null
                    ? "Linux 6.x 前几次 SYN 重发之前各等待约 1 秒（net.ipv4.tcp_syn_linear_timeouts），之后才加倍"
                    : "此处 net.ipv4.tcp_syn_linear_timeouts = " + linear + "，Linux 在前 " + linearCount(linear)
                            + " 次 SYN 重发之前各等待约 1 秒，之后才加倍（2、4 秒……）";
            en = "Linux re-sent its SYN " + after + " after the first one. " + linearEn + ", for up to " + retries
                    + " re-sends (net.ipv4.tcp_syn_retries), where RFC 6298 §5.5 doubles the RTO after each timeout"
                    + " (1, 2, 4 s), as our stack does from " + ourRto + ", for up to " + ourConfig.synRetries()
                    + " re-sends.";
            zh = "Linux 在第一个 SYN 之后 " + after + " 重发了它的 SYN。" + linearZh + "，最多重发 " + retries
                    + " 次（net.ipv4.tcp_syn_retries）；而 RFC 6298 §5.5 规定每次超时后 RTO 加倍（1、2、4 秒），"
                    + "我们的协议栈从 " + ourRto + " 开始这样做，最多重发 " + ourConfig.synRetries() + " 次。";
        }
        narrate(s.timeUs(), s.connection(), step, en, zh);
    }

    private void dataRetransmission(LabEvent.SegmentSent s, Conn c) {
        c.told.add(DATA_RETRANSMISSION);
        long seq = s.header().seq();
        Long first = c.linuxDataAt.get(seq);
        if (first == null) {
            // A re-send may start inside an earlier segment (repacketised); near sequence numbers only.
            Map.Entry<Long, Long> e = c.linuxDataAt.floorEntry(seq);
            if (e != null && seq - e.getKey() < 1 << 20) {
                first = e.getValue();
            }
        }
        c.linuxDataAt.clear();
        long rtoMin = LINUX_RTO_MIN_US;
        String rtoMinSetting = sysctls.get("tcp_rto_min_us");
        if (rtoMinSetting != null) {
            try {
                rtoMin = Long.parseLong(rtoMinSetting);
            } catch (NumberFormatException ignored) {
                // keep the kernel's default
            }
        }
        String min = seconds(rtoMin);
        String ourMin = seconds(ourConfig.minRtoUs());
        String what = "Linux re-sent data (seq " + seq + ")";
        String whatZh = "Linux 重发了数据（seq " + seq + "）";
        String measuredEn;
        String measuredZh;
        if (first == null) {
            measuredEn = what + "; its first sending was not kept for comparison, so no gap is measured here.";
            measuredZh = whatZh + "；没有保留它的首次发送记录，因此这里不测量间隔。";
        } else {
            long gap = s.timeUs() - first;
            measuredEn = what + " " + seconds(gap) + " after first sending it"
                    + (gap < rtoMin
                            ? ", sooner than any retransmission timeout Linux allows, so it was loss recovery"
                                    + " (fast retransmit, RFC 5681 §3.2, or RACK-TLP, RFC 8985), not the retransmission timeout."
                            : ".");
            measuredZh = whatZh + "，距首次发送 " + seconds(gap)
                    + (gap < rtoMin
                            ? "，比 Linux 允许的任何重传超时都短，所以这是丢包恢复（快速重传，RFC 5681 §3.2，" + "或 RACK-TLP，RFC 8985），而不是重传超时。"
                            : "。");
        }
        String en = measuredEn + " Linux's retransmission timeout never goes below " + min
                + " (TCP_RTO_MIN, net.ipv4.tcp_rto_min_us), where RFC 6298 §2.4 rounds the RTO up to at least 1 s;"
                + " our stack's minimum RTO in this lab is " + ourMin + ".";
        String zh = measuredZh + "Linux 的重传超时从不低于 " + min
                + "（TCP_RTO_MIN，net.ipv4.tcp_rto_min_us），而 RFC 6298 §2.4 要求 RTO 至少为 1 秒；"
                + "本实验中我们协议栈的最小 RTO 为 " + ourMin + "。";
        narrate(s.timeUs(), s.connection(), DATA_RETRANSMISSION, en, zh);
    }

    /** RFC 5961 §3.2 / §4: Linux's pure ACK right after our in-window non-exact RST or our SYN. */
    private void challengeAnswer(LabEvent.SegmentSent s, Conn c) {
        String trigger = c.challengeTrigger;
        c.challengeTrigger = null;
        TcpHeaderFields w = s.header();
        if (trigger == null
                || s.retransmission()
                || !w.flags().equals(TcpFlags.ACK)
                || w.payloadLength() != 0
                || w.ack() != c.linuxAck
                || s.timeUs() - c.challengeTriggerAt > CHALLENGE_WINDOW_US
                || !c.told.add(CHALLENGE_ACK)) {
            return;
        }
        String after = seconds(s.timeUs() - c.challengeTriggerAt);
        String limit = setting("tcp_invalid_ratelimit", "500");
        String en;
        String zh;
        String global = setting("tcp_challenge_ack_limit", "?");
        String limitsEn = " Linux rate-limits challenge ACKs (net.ipv4.tcp_invalid_ratelimit = " + limit
                + " ms per socket, net.ipv4.tcp_challenge_ack_limit = " + global
                + " per second, as RFC 5961 §7 allows);"
                + " our stack answers every one.";
        String limitsZh = "Linux 会限制挑战 ACK 的速率（每个套接字 net.ipv4.tcp_invalid_ratelimit = " + limit
                + " 毫秒，每秒 net.ipv4.tcp_challenge_ack_limit = " + global + "，RFC 5961 §7 允许这样做）；"
                + "我们的协议栈对每一个都回应。";
        if ("rst".equals(trigger)) {
            en = "Linux answered our RST (seq " + c.challengeTriggerSeq + ", not its RCV.NXT " + c.linuxAck + ") with"
                    + " an ACK " + after + " later instead of resetting: a challenge ACK (RFC 5961 §3.2, adopted by"
                    + " RFC 9293 §3.10.7.4; RFC 793 reset on any in-window RST)." + limitsEn;
            zh = "Linux 对我们的 RST（seq " + c.challengeTriggerSeq + "，不等于它的 RCV.NXT " + c.linuxAck + "）在 "
                    + after + " 后回复了一个 ACK，而没有重置连接：这是挑战 ACK（RFC 5961 §3.2，已纳入 RFC 9293"
                    + " §3.10.7.4；RFC 793 对窗口内的任何 RST 都会重置）。" + limitsZh;
        } else {
            en = "Linux answered our SYN on its established connection with an ACK " + after + " later and kept the"
                    + " connection: a challenge ACK (RFC 5961 §4, adopted by RFC 9293 §3.10.7.4; RFC 793 reset it)."
                    + limitsEn;
            zh = "Linux 对我们发到已建立连接上的 SYN 在 " + after + " 后回复了一个 ACK 并保持连接：这是挑战 ACK"
                    + "（RFC 5961 §4，已纳入 RFC 9293 §3.10.7.4；RFC 793 会重置连接）。" + limitsZh;
        }
        narrate(s.timeUs(), s.connection(), CHALLENGE_ACK, en, zh);
    }

    // ---- Linux's states ----------------------------------------------------------------------

    private void linuxState(LabEvent.StateChanged st, Conn c) {
        c.linuxState = st.to();
        if (st.to() == TcpState.TIME_WAIT) {
            c.timeWaitAt = st.timeUs();
            if (!c.told.add(TIME_WAIT)) {
                return;
            }
            String ours = seconds(2 * ourConfig.mslUs());
            String msl = seconds(ourConfig.mslUs());
            String en = "Linux's end entered TIME_WAIT. Linux holds it a fixed 60 s (TCP_TIMEWAIT_LEN, compiled in;"
                    + " no sysctl changes it, net.ipv4.tcp_max_tw_buckets only caps how many), where RFC 9293 §3.4.2"
                    + " asks for 2 × MSL with an MSL of 2 minutes, so 4 minutes. Our stack waits 2 × MSL = 2 × " + msl
                    + " = " + ours + " in this lab.";
            String zh = "Linux 这一端进入了 TIME_WAIT。Linux 固定保持 60 秒（TCP_TIMEWAIT_LEN，编译时确定；"
                    + "没有 sysctl 能改变它，net.ipv4.tcp_max_tw_buckets 只限制数量），而 RFC 9293 §3.4.2"
                    + " 要求 2 × MSL，MSL 为 2 分钟，即 4 分钟。本实验中我们的协议栈等待 2 × MSL = 2 × " + msl
                    + " = " + ours + "。";
            narrate(st.timeUs(), st.connection(), TIME_WAIT, en, zh);
        } else if (st.from() == TcpState.TIME_WAIT && c.timeWaitAt >= 0 && c.told.add(TIME_WAIT_END)) {
            String held = seconds(st.timeUs() - c.timeWaitAt);
            String en = "Linux's end left TIME_WAIT (now " + st.to() + ") " + held + " after it was first seen there,"
                    + " as observed by polling the kernel's TCP table. Linux's fixed TIME_WAIT is "
                    + seconds(LINUX_TIME_WAIT_US)
                    + " (TCP_TIMEWAIT_LEN); RFC 9293 §3.4.2 asks for 2 × MSL (4 minutes).";
            String zh = "Linux 这一端离开了 TIME_WAIT（现为 " + st.to() + "），距首次观察到它处于该状态 " + held
                    + "（通过轮询内核 TCP 表观察）。Linux 固定的 TIME_WAIT 为 " + seconds(LINUX_TIME_WAIT_US)
                    + "（TCP_TIMEWAIT_LEN）；RFC 9293 §3.4.2 要求 2 × MSL（4 分钟）。";
            narrate(st.timeUs(), st.connection(), TIME_WAIT_END, en, zh);
        }
    }

    // ---- options -----------------------------------------------------------------------------

    /** Once per lab, when both sides' first SYN (or SYN-ACK) have been seen and they differ. */
    private void compareOptions(long timeUs, String connection) {
        if (optionsTold || ourFirstSyn == null || linuxFirstSyn == null) {
            return;
        }
        optionsTold = true;
        WireSegment l = linuxFirstSyn.segment();
        WireSegment o = ourFirstSyn.segment();
        List<String> differs = new ArrayList<>();
        if (l.window() != o.window()) {
            differs.add("window");
        }
        if (!content(l.options()).equals(content(o.options()))) {
            differs.add("options");
        }
        if (!layout(l.options()).equals(layout(o.options()))) {
            differs.add("layout");
        }
        if (differs.isEmpty()) {
            return;
        }
        String lName = linuxFirstSyn.flags().ack() ? "SYN-ACK" : "SYN";
        String oName = ourFirstSyn.flags().ack() ? "SYN-ACK" : "SYN";
        String en = "Linux's first " + lName + " carried window " + l.window() + " and options " + layout(l.options())
                + "; ours (" + oName + ") carried window " + o.window() + " and " + layout(o.options())
                + ". They differ in "
                + String.join(", ", differs)
                + ". The RFCs fix the formats (MSS RFC 9293 §3.7.1, window scale RFC 7323 §2.2,"
                + " timestamps RFC 7323 §3, SACK-permitted RFC 2018 §2), not the values or the order: Linux sizes its"
                + " window and scale from its buffers (net.ipv4.tcp_rmem) and offers window scaling, SACK and timestamps"
                + " when net.ipv4.tcp_window_scaling / tcp_sack / tcp_timestamps are 1 (here "
                + setting("tcp_window_scaling", "?") + " / " + setting("tcp_sack", "?") + " / "
                + setting("tcp_timestamps", "?") + "), and answers in a SYN-ACK only what the SYN offered.";
        String zh = "Linux 的第一个 " + lName + " 携带窗口 " + l.window() + " 和选项 " + layout(l.options())
                + "；我们的（" + oName + "）携带窗口 " + o.window() + " 和 " + layout(o.options()) + "。不同之处："
                + String.join("、", zhNames(differs)) + "。RFC 规定了格式（MSS 见 RFC 9293 §3.7.1，窗口缩放见 RFC 7323 §2.2，"
                + "时间戳见 RFC 7323 §3，SACK-permitted 见 RFC 2018 §2），但没有规定取值和顺序：Linux 根据缓冲区"
                + "（net.ipv4.tcp_rmem）确定窗口和缩放因子，当 net.ipv4.tcp_window_scaling / tcp_sack / tcp_timestamps 为 1 时"
                + "提供窗口缩放、SACK 和时间戳（此处为 " + setting("tcp_window_scaling", "?") + " / "
                + setting("tcp_sack", "?") + " / " + setting("tcp_timestamps", "?") + "），并且在 SYN-ACK 中只回应 SYN 提供的选项。";
        narrate(timeUs, connection, SYN_OPTIONS, en, zh);
    }

    private static List<String> zhNames(List<String> differs) {
        List<String> out = new ArrayList<>();
        for (String d : differs) {
            out.add(
                    switch (d) {
                        case "window" -> "窗口";
                        case "options" -> "选项";
                        default -> "排列顺序";
                    });
        }
        return out;
    }

    /** What the options announce, ignoring padding, order and timestamp values. */
    private static Set<String> content(List<TcpOption> options) {
        Set<String> out = new java.util.TreeSet<>();
        for (TcpOption opt : options) {
            if (!(opt instanceof TcpOption.NoOp) && !(opt instanceof TcpOption.EndOfList)) {
                out.add(opt instanceof TcpOption.Timestamps ? "TS" : describe(opt));
            }
        }
        return out;
    }

    /** The options as laid out on the wire, padding included: "MSS 1460, SACK_PERMITTED, TS, NOP, WS 7". */
    static String layout(List<TcpOption> options) {
        List<String> out = new ArrayList<>();
        for (TcpOption opt : options) {
            out.add(opt instanceof TcpOption.Timestamps ? "TS" : describe(opt));
        }
        return out.isEmpty() ? "none" : String.join(", ", out);
    }

    private static String describe(TcpOption opt) {
        if (opt instanceof TcpOption.MaxSegmentSize m) {
            return "MSS " + m.mss();
        }
        if (opt instanceof TcpOption.WindowScale ws) {
            return "WS " + ws.shift();
        }
        return opt.name();
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** The first RTO plus tcp_syn_linear_timeouts linear ones. */
    private static String linearCount(String linear) {
        try {
            return Integer.toString(Integer.parseInt(linear) + 1);
        } catch (NumberFormatException e) {
            return linear + " + 1";
        }
    }

    private String setting(String name, String fallback) {
        return sysctls.getOrDefault(name, fallback);
    }

    private void narrate(long timeUs, String connection, String step, String en, String zh) {
        next.emit(new LabEvent.Narration(timeUs, connection, step, en, zh));
    }

    /** A measured duration: milliseconds below 1 s (a tenth below 10 ms), else seconds to the millisecond. */
    static String seconds(long us) {
        if (us < 10_000) {
            return String.format(Locale.ROOT, "%.1f ms", us / 1000.0);
        }
        if (us < 1_000_000) {
            return String.format(Locale.ROOT, "%d ms", Math.round(us / 1000.0));
        }
        return String.format(Locale.ROOT, "%.3f s", us / 1_000_000.0);
    }
}
