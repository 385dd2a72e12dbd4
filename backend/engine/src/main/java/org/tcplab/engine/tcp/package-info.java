/**
 * One TCP connection, RFC 9293 end to end, sans I/O (smoltcp's model, gVisor's split by ownership).
 *
 * <ul>
 *   <li>{@link org.tcplab.engine.tcp.Tcb}: the Transmission Control Block: the state, the user calls
 *       in §3.10's order (OPEN, SEND, RECEIVE, CLOSE, ABORT) and SEGMENT ARRIVES as §3.10.7's ordered
 *       checks, one early-returning method each; RFC 5961 challenge ACKs; the one
 *       {@code changeState} that emits every {@code StateChanged}.</li>
 *   <li>{@code Sender} owns the send sequence space ({@code iss sndUna sndNxt sndWnd sndWl1 sndWl2},
 *       MAX.SND.WND): send buffer, the window-update rule, RFC 6298 retransmission timer, RFC 5681 +
 *       RFC 6582 (NewReno) congestion control, the SACK scoreboard ({@code SackScoreboard} of
 *       {@code SackRange}s, RFC 2018), Nagle, persist timer.</li>
 *   <li>{@code Receiver} owns the receive sequence space ({@code irs rcvNxt}, RCV.WND computed from
 *       the buffer, TS.Recent): acceptability, in-order delivery, the out-of-order queue and its
 *       SACK blocks, the application able to stop reading, delayed ACK.</li>
 *   <li>{@code Handshake}: active and passive OPEN, SYN-SENT arrival, the SYN-RECEIVED checks, SYN
 *       and SYN,ACK with their options and their retransmission; {@code NegotiatedOptions} is the
 *       value the two SYNs agreed.</li>
 *   <li>{@link org.tcplab.engine.tcp.RtoEstimator}: RFC 6298 clause by clause.</li>
 *   <li>Timers are data: a deadline per {@link org.tcplab.engine.tcp.TimerKind}; every arm, fire
 *       and cancel is a {@code TimerChanged} event. The host polls the deadlines.</li>
 * </ul>
 *
 * <p>Not implemented (optional in the RFCs): keep-alives (RFC 9293 §3.8.4), PAWS (RFC 7323 §5),
 * the urgent pointer (RFC 6093 advises against it), receiver-side silly window avoidance beyond
 * the window update sent when the application resumes reading.
 */
package org.tcplab.engine.tcp;
