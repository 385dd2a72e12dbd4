package org.tcplab.server.scenario;

import java.util.List;
import java.util.Map;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.tcp.TcpState;

/**
 * What the RFC says must happen, compared with the log by {@link ScenarioRun#verdict}.
 *
 * @param exact true: the run's segments are exactly these, in order (segments sent at the same
 *     instant may come in either order); false: these appear in order, others may come between
 * @param segments the expected segments with the states reached around each
 * @param data bytes each host's application must have received by the end
 * @param timers timer events that must happen, in order per host
 */
record Expectation(boolean exact, List<Seg> segments, Map<HostName, Expr> data, List<TimerExp> timers) {

    /** One expected segment; null fields are not checked. {@code flags} ignores PSH unless listed. */
    record Seg(
            HostName from,
            List<String> flags,
            Expr seq,
            Expr ack,
            Expr length,
            Expr window,
            Boolean retransmission,
            Boolean dropped,
            Expr atMs,
            List<StateExp> states) {}

    record StateExp(HostName host, TcpState state) {}

    record TimerExp(HostName host, String timer, String action) {}
}
