/**
 * One TCP connection, RFC 9293 end to end, sans I/O (smoltcp's model, gVisor's file split).
 *
 * <ul>
 *   <li>{@link org.tcplab.engine.tcp.Tcb}: the Transmission Control Block. The RFC's variables
 *       ({@code sndUna sndNxt sndWnd sndWl1 sndWl2 iss rcvNxt rcvWnd irs}), the user calls in §3.10's
 *       order (OPEN, SEND, RECEIVE, CLOSE, ABORT) and SEGMENT ARRIVES as §3.10.7's ordered checks,
 *       one early-returning method each; RFC 5961 challenge ACKs; the one {@code changeState} that
 *       emits every {@code StateChanged}.</li>
 *   <li>{@code Sender}: send buffer, windows, RFC 6298 retransmission timer, RFC 5681 + RFC 6582
 *       (NewReno) congestion control, SACK scoreboard (RFC 2018), Nagle, persist timer.</li>
 *   <li>{@code Receiver}: in-order delivery, the out-of-order queue and its SACK blocks, RCV.WND
 *       with the application able to stop reading, delayed ACK.</li>
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
