package org.tcplab.server.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.tcp.TcpState;

/**
 * RFC 9293 §3.5's three-way handshake (figure 6) as an expectation, with the ISNs a capture shows:
 * the same expected-against-actual verdict the scenarios give, for a captured conversation.
 */
public final class HandshakeCheck {

    /** The name the verdict goes by in a lab's snapshot ({@code scenario.name}). */
    public static final String NAME = "capture-handshake";

    private HandshakeCheck() {}

    /**
     * @param serverIsn the server's ISN, or -1 when the capture holds no SYN,ACK (then not checked)
     * @param log the conversation's events, at least up to the handshake's end
     */
    public static ScenarioVerdict verdict(
            long clientIsn, long serverIsn, int clientPort, int serverPort, List<LoggedEvent> log) {
        long c = clientIsn & ParamSpec.SEQ_MAX;
        Expr serverSeq = serverIsn < 0 ? null : Expr.constant(serverIsn & ParamSpec.SEQ_MAX);
        Expr serverNext = serverIsn < 0 ? null : Expr.constant((serverIsn + 1) & ParamSpec.SEQ_MAX);
        List<Expectation.Seg> segments = new ArrayList<>();
        // The copies that arrived count: a lost SYN sent again is still the SYN of the handshake.
        segments.add(seg(
                HostName.CLIENT,
                List.of("SYN"),
                Expr.constant(c),
                null,
                List.of(
                        new Expectation.StateExp(HostName.CLIENT, TcpState.SYN_SENT),
                        new Expectation.StateExp(HostName.SERVER, TcpState.SYN_RECEIVED))));
        segments.add(seg(
                HostName.SERVER,
                List.of("ACK", "SYN"),
                serverSeq,
                Expr.constant((c + 1) & ParamSpec.SEQ_MAX),
                List.of(new Expectation.StateExp(HostName.CLIENT, TcpState.ESTABLISHED))));
        segments.add(seg(
                HostName.CLIENT,
                List.of("ACK"),
                Expr.constant((c + 1) & ParamSpec.SEQ_MAX),
                serverNext,
                List.of(new Expectation.StateExp(HostName.SERVER, TcpState.ESTABLISHED))));
        Expectation expectation = new Expectation(false, segments, Map.of(), List.of());
        return new Verifier(expectation, Map.of(), 0, Set.of(clientPort, serverPort), List.of()).verdict(log);
    }

    private static Expectation.Seg seg(
            HostName from, List<String> flags, Expr seq, Expr ack, List<Expectation.StateExp> states) {
        return new Expectation.Seg(from, flags, seq, ack, null, null, null, Boolean.FALSE, null, states);
    }
}
