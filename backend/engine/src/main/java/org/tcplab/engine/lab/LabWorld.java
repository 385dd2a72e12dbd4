package org.tcplab.engine.lab;

import java.util.List;
import java.util.Optional;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.quiz.QuizStatus;
import org.tcplab.engine.stack.ConnectionSnapshot;
import org.tcplab.engine.tcp.TcpConfig;
import org.tcplab.engine.wire.Ipv4Address;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * A lab's world: two hosts, the link between them, the connections on it, the fault rules and the
 * clock. The simulation ({@code sim.Simulation}: our stack on both hosts, virtual time) and the
 * labs facing the Linux kernel ({@code backend/tap}: our stack against Linux, or Linux against
 * Linux, real time) are the worlds; the server drives whichever a lab has through this interface
 * alone.
 *
 * <p>Every change is a {@link LabCommand} applied through {@link #apply}: that one door is what a
 * journal records and a replay feeds again. The named methods below ({@link #listen}, {@link
 * #connect}, ...) only make a command and apply it. Everything else here reads and changes nothing.
 * What a world can do beyond the common commands is a value, {@link #capabilities()}.
 *
 * <p>Events go to the sink the world was made with ({@code event.EventSink}). Times are
 * microseconds of lab time. Bad input is {@code InvalidArgumentException} (naming the field), a
 * call the lab's state forbids {@code TcpUserException}.
 *
 * <p>Threads: the simulation is single-threaded, its owner serialises calls. A real-time world
 * confines its state to a thread of its own and may be called from any thread; it emits its events
 * from that thread.
 */
public interface LabWorld extends AutoCloseable {

    LabCapabilities capabilities();

    /** Applies one command (the lab's one way to change) and answers its result. */
    <R> R apply(LabCommand<R> command);

    // ---- reads ----

    long nowUs();

    /** The time of the next pending occurrence, or Long.MAX_VALUE. */
    long nextEventUs();

    Ipv4Address address(HostName host);

    /** Our stack's TCP settings on {@code host}; null when that host is the Linux kernel. */
    TcpConfig tcp(HostName host);

    List<Integer> listeners(HostName host);

    /** Our stack's connections on {@code host} with their TCB variables (none for a Linux host). */
    List<ConnectionSnapshot> connections(HostName host);

    /** Connection sides known only from outside (a Linux host's); none for our stack. */
    default List<ObservedSide> observed(HostName host) {
        return List.of();
    }

    /**
     * Whether {@code connection} is an id this lab ever gave out. One that existed and has closed is
     * still known (acting on it is refused by the stack); an id never given out is not.
     */
    boolean knowsConnection(String connection);

    /** Every byte {@code side}'s application has read on {@code connection}. */
    byte[] received(String connection, HostName side);

    List<FaultRule> faults();

    LinkConfig link();

    /** How far script {@code id} (from {@link LabCommand.RunScript}) has come. */
    ScriptStatus script(int id);

    /** Class mode: whether it is on and the open question with its key (off in a world without one). */
    default QuizStatus quiz() {
        return QuizStatus.OFF;
    }

    /** The network a lab facing the Linux kernel runs on; empty for a simulation. */
    default Optional<TapInfo> tapInfo() {
        return Optional.empty();
    }

    /** The captured conversation a read-only lab shows; empty for every other world. */
    default Optional<CaptureInfo> capture() {
        return Optional.empty();
    }

    /** Releases what the world holds (namespaces, devices, sockets); a simulation holds nothing. */
    @Override
    default void close() {}

    // ---- each one command through apply ----

    default void listen(HostName host, int port) {
        apply(new LabCommand.Listen(host, port));
    }

    default void unlisten(HostName host, int port) {
        apply(new LabCommand.Unlisten(host, port));
    }

    default String connect(
            HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous) {
        return apply(new LabCommand.Connect(from, localPort, remotePort, isn, peerIsn, simultaneous));
    }

    default String connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn) {
        return connect(from, localPort, remotePort, isn, peerIsn, false);
    }

    default void send(String connection, HostName side, byte[] data) {
        apply(new LabCommand.Send(connection, side, data));
    }

    default void close(String connection, HostName side) {
        apply(new LabCommand.Close(connection, side));
    }

    default void abort(String connection, HostName side) {
        apply(new LabCommand.Abort(connection, side));
    }

    default void setReading(String connection, HostName side, boolean reading) {
        apply(new LabCommand.SetReading(connection, side, reading));
    }

    default void crash(HostName host) {
        apply(new LabCommand.Crash(host));
    }

    default long inject(HostName from, TcpSegment segment, long delayUs) {
        return apply(new LabCommand.Inject(from, segment, delayUs));
    }

    default FaultRule addFault(FaultRule rule) {
        return apply(new LabCommand.AddFault(rule));
    }

    default boolean removeFault(int id) {
        return apply(new LabCommand.RemoveFault(id));
    }

    default void setLink(LinkConfig link) {
        apply(new LabCommand.SetLink(link));
    }

    default void runUntil(long timeUs) {
        apply(new LabCommand.RunUntil(timeUs));
    }

    /** Runs up to {@code timeUs}, at most {@code maxSteps} occurrences; false if the steps ran out first. */
    default boolean runUntil(long timeUs, long maxSteps) {
        return apply(new LabCommand.RunUntil(timeUs, maxSteps));
    }

    default boolean runUntilIdle(long maxSteps) {
        return apply(new LabCommand.RunUntilIdle(maxSteps));
    }

    default boolean step() {
        return apply(new LabCommand.Step());
    }
}
