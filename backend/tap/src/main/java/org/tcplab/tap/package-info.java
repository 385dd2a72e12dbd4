/**
 * TAP mode: our TCP stack as a host on a Linux TAP device, the other host being the real Linux
 * kernel, all inside a network namespace the lab creates and removes.
 *
 * <p>For the server's lab code:
 * <ul>
 *   <li>{@link org.tcplab.tap.TapSupport#check(String)}: available, or exactly what is missing (503).</li>
 *   <li>{@link org.tcplab.tap.KernelLab#start(TapLabConfig, org.tcplab.engine.event.EventSink)}: a
 *       {@link org.tcplab.tap.TapLab} for {@code linuxSide} {@code server}/{@code client}, a
 *       {@link org.tcplab.tap.LinuxPairLab} for {@code both}: each an engine {@code LabWorld}, driven
 *       by its commands. Events arrive on the lab's own thread, one at a time, in order, with real
 *       microseconds since the lab started. Refusals come back as {@code TcpUserException} (409), bad
 *       arguments as {@code InvalidArgumentException} naming the field (400); what a kernel lab
 *       cannot do at all its {@code capabilities()} say.</li>
 *   <li>{@code close()} stops the lab and removes its namespace(s), device and sockets.</li>
 * </ul>
 *
 * <p>Layers, bottom up: {@link org.tcplab.tap.NetNamespace} (ip netns and a thread inside),
 * {@link org.tcplab.tap.TapDevice} (TUNSETIFF, JNA read/write/poll; also an AF_PACKET capture),
 * {@code EthernetLink} (ARP, framing), {@link org.tcplab.tap.TapLink} (the device and our Ethernet),
 * {@code ConfinedExecutor} (work handed to a lab's or namespace's own thread), {@code LinuxHost}
 * (the kernel's sockets), {@link org.tcplab.tap.TapLab} (the driver: the engine's scheduler, link,
 * fault engine and {@code TcpHost} on real time), {@link org.tcplab.tap.ProcNetTcp} and
 * {@code SockDiag} (Linux's states), {@code LinuxDifferences} (the {@code linux:*} narrations: where
 * the kernel departs from the RFCs and our stack, as measured: SYN/SYN-ACK and data re-send timing,
 * TIME_WAIT, SYN options, RFC 5961 challenge ACKs).
 */
package org.tcplab.tap;
