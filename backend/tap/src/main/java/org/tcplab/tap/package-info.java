/**
 * TAP mode: our TCP stack as a host on a Linux TAP device, the other host being the real Linux
 * kernel, all inside a network namespace the lab creates and removes.
 *
 * <p>For the server's lab code:
 * <ul>
 *   <li>{@link org.tcplab.tap.TapSupport#check(String)}: available, or exactly what is missing (503).</li>
 *   <li>{@link org.tcplab.tap.KernelLab#start(TapLabConfig, org.tcplab.engine.event.EventSink)}: a
 *       {@link org.tcplab.tap.TapLab} for {@code linuxSide} {@code server}/{@code client}, a
 *       {@link org.tcplab.tap.LinuxPairLab} for {@code both}. The same operations as the simulator;
 *       events arrive on the lab's own thread, one at a time, in order, with real microseconds since
 *       the lab started. Refusals come back as
 *       {@code TcpUserException} (409), bad arguments as {@code IllegalArgumentException} (400).</li>
 *   <li>{@code close()} stops the lab and removes its namespace(s), device and sockets.</li>
 * </ul>
 *
 * <p>Layers, bottom up: {@link org.tcplab.tap.NetNamespace} (ip netns and a thread inside),
 * {@link org.tcplab.tap.TapDevice} (TUNSETIFF, JNA read/write/poll), {@code EthernetLink} (ARP,
 * framing), {@link org.tcplab.tap.TapLink} (the wire), {@link org.tcplab.tap.TapLab} (the driver
 * that owns the engine's {@code TcpHost}), {@link org.tcplab.tap.ProcNetTcp} (Linux's states).
 */
package org.tcplab.tap;
