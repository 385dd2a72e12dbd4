package org.tcplab.engine.lab;

import static org.tcplab.engine.InvalidArgumentException.checkPort;
import static org.tcplab.engine.InvalidArgumentException.required;

import java.util.List;
import org.tcplab.engine.InvalidArgumentException;
import org.tcplab.engine.event.HostName;
import org.tcplab.engine.link.FaultRule;
import org.tcplab.engine.link.LinkConfig;
import org.tcplab.engine.quiz.QuizExpected;
import org.tcplab.engine.quiz.QuizTally;
import org.tcplab.engine.wire.SeqNum;
import org.tcplab.engine.wire.TcpSegment;

/**
 * One change to a lab, as a value: everything a lab accepts goes through {@link LabWorld#apply},
 * so a lab is its starting configuration plus the commands it applied, each at a lab time. Replaying
 * them on a simulation gives the same events (the simulation is deterministic).
 *
 * <p>A command checks its own fields when it is made ({@link InvalidArgumentException} naming the
 * field, in the lab API's words), so a command that exists is well formed; whether the lab's state
 * allows it is the world's answer ({@code TcpUserException}). Component names are the lab API's
 * JSON names.
 *
 * <p>Java 17 has no pattern-matching {@code switch}: each command dispatches itself to a world's
 * {@link Handler}, which has one method per command, so a new command does not compile until every
 * world handles it.
 *
 * @param <R> what applying the command answers ({@code Void} for most)
 */
public sealed interface LabCommand<R> {

    /** Carries the command out on a world's handler. Worlds call this; everyone else calls {@link LabWorld#apply}. */
    R applyTo(Handler world);

    /** The lab connection this command acts on, or null. Inside a script it is the script's alias. */
    default String connection() {
        return null;
    }

    /** The same command on connection {@code id} (a script resolves its aliases with this). */
    default LabCommand<R> onConnection(String id) {
        return this;
    }

    /** One method per command: what a world does. */
    interface Handler {
        void listen(Listen c);

        void unlisten(Unlisten c);

        String connect(Connect c);

        void send(Send c);

        void close(Close c);

        void abort(Abort c);

        void setReading(SetReading c);

        void crash(Crash c);

        long inject(Inject c);

        void pinIsn(PinIsn c);

        FaultRule addFault(AddFault c);

        boolean removeFault(RemoveFault c);

        void setLink(SetLink c);

        boolean runUntil(RunUntil c);

        boolean runUntilIdle(RunUntilIdle c);

        boolean step(Step c);

        int runScript(RunScript c);

        void setQuiz(SetQuiz c);

        QuizExpected reveal(Reveal c);
    }

    /**
     * Passive OPEN on {@code host}'s {@code port}. With {@code ifNotListening}, a port that already
     * listens is what the caller wants (scenarios, {@code autoListen}) rather than a conflict.
     */
    record Listen(HostName host, int port, boolean ifNotListening) implements LabCommand<Void> {
        public Listen {
            required("host", host);
            checkPort("port", port);
        }

        public Listen(HostName host, int port) {
            this(host, port, false);
        }

        @Override
        public Void applyTo(Handler world) {
            world.listen(this);
            return null;
        }
    }

    /** Stops listening; connections already accepted live on. */
    record Unlisten(HostName host, int port) implements LabCommand<Void> {
        public Unlisten {
            required("host", host);
            checkPort("port", port);
        }

        @Override
        public Void applyTo(Handler world) {
            world.unlisten(this);
            return null;
        }
    }

    /**
     * Active OPEN from {@code from}:{@code localPort} to the other host's {@code remotePort}; answers
     * the lab connection id ("1", "2", ...). {@code isn} fixes the opener's ISN and {@code peerIsn}
     * the answering side's (null: the world picks; a Linux kernel always picks its own). With
     * {@code simultaneous} the other host opens actively at the same instant (RFC 9293 figure 7).
     * {@code localPort} 0 lets a world that can pick a port pick one.
     */
    record Connect(HostName from, int localPort, int remotePort, SeqNum isn, SeqNum peerIsn, boolean simultaneous)
            implements LabCommand<String> {
        public Connect {
            required("from", from);
            if (localPort < 0 || localPort > 65535) {
                throw new InvalidArgumentException("localPort", "localPort must be 1..65535: " + localPort);
            }
            checkPort("remotePort", remotePort);
        }

        @Override
        public String applyTo(Handler world) {
            return world.connect(this);
        }
    }

    /** SEND (RFC 9293 §3.10.2) on {@code side} of {@code connection}. */
    record Send(String connection, HostName side, byte[] data) implements LabCommand<Void> {
        public Send {
            required("connection", connection);
            required("side", side);
            required("data", data);
        }

        @Override
        public Void applyTo(Handler world) {
            world.send(this);
            return null;
        }

        @Override
        public Send onConnection(String id) {
            return new Send(id, side, data);
        }
    }

    /** CLOSE (RFC 9293 §3.10.4): this side has nothing more to send. */
    record Close(String connection, HostName side) implements LabCommand<Void> {
        public Close {
            required("connection", connection);
            required("side", side);
        }

        @Override
        public Void applyTo(Handler world) {
            world.close(this);
            return null;
        }

        @Override
        public Close onConnection(String id) {
            return new Close(id, side);
        }
    }

    /** ABORT (RFC 9293 §3.10.5): RST where the state calls for one. */
    record Abort(String connection, HostName side) implements LabCommand<Void> {
        public Abort {
            required("connection", connection);
            required("side", side);
        }

        @Override
        public Void applyTo(Handler world) {
            world.abort(this);
            return null;
        }

        @Override
        public Abort onConnection(String id) {
            return new Abort(id, side);
        }
    }

    /** Whether {@code side}'s application reads what arrives (not reading lets the window close). */
    record SetReading(String connection, HostName side, boolean reading) implements LabCommand<Void> {
        public SetReading {
            required("connection", connection);
            required("side", side);
        }

        @Override
        public Void applyTo(Handler world) {
            world.setReading(this);
            return null;
        }

        @Override
        public SetReading onConnection(String id) {
            return new SetReading(id, side, reading);
        }
    }

    /** {@code host} loses every TCB and listener silently and sends nothing. */
    record Crash(HostName host) implements LabCommand<Void> {
        public Crash {
            required("host", host);
        }

        @Override
        public Void applyTo(Handler world) {
            world.crash(this);
            return null;
        }
    }

    /**
     * A crafted segment enters the link after {@code delayUs} as if {@code from} sent it; answers its
     * segment id (taken now, so segments sent meanwhile get higher ids though they enter first).
     */
    record Inject(HostName from, TcpSegment segment, long delayUs) implements LabCommand<Long> {
        public Inject {
            required("from", from);
            required("segment", segment);
            if (delayUs < 0) throw new InvalidArgumentException("delayMs", "delayMs must not be negative: " + delayUs);
        }

        @Override
        public Long applyTo(Handler world) {
            return world.inject(this);
        }
    }

    /**
     * {@code host}'s next connection between its {@code localPort} and the other host's
     * {@code remotePort} (active or passive) uses ISN {@code isn}: the RFC figures' second ISNs.
     */
    record PinIsn(HostName host, int localPort, int remotePort, SeqNum isn) implements LabCommand<Void> {
        public PinIsn {
            required("host", host);
            checkPort("localPort", localPort);
            checkPort("remotePort", remotePort);
            required("isn", isn);
        }

        @Override
        public Void applyTo(Handler world) {
            world.pinIsn(this);
            return null;
        }
    }

    /** A fault rule (its id is given by the world and answered with the rule). */
    record AddFault(FaultRule rule) implements LabCommand<FaultRule> {
        public AddFault {
            required("fault", rule);
        }

        @Override
        public FaultRule applyTo(Handler world) {
            return world.addFault(this);
        }

        @Override
        public String connection() {
            return rule.connection();
        }

        @Override
        public AddFault onConnection(String id) {
            return new AddFault(rule.withConnection(id));
        }
    }

    /** Removes fault rule {@code id}; answers whether it existed. */
    record RemoveFault(int id) implements LabCommand<Boolean> {
        @Override
        public Boolean applyTo(Handler world) {
            return world.removeFault(this);
        }
    }

    /** The link from now on (segments already on the wire keep their timing). */
    record SetLink(LinkConfig link) implements LabCommand<Void> {
        public SetLink {
            LinkConfig.check(link);
        }

        @Override
        public Void applyTo(Handler world) {
            world.setLink(this);
            return null;
        }
    }

    /**
     * Runs everything due up to and including {@code timeUs}, at most {@code maxSteps} occurrences;
     * answers true when it got there (virtual time then reads {@code timeUs}), false when the steps
     * ran out first (the clock stays at the last occurrence run, so the caller can go on). The bound
     * is what keeps a runaway lab (an ACK storm at one instant) from holding its caller.
     */
    record RunUntil(long timeUs, long maxSteps) implements LabCommand<Boolean> {
        public RunUntil {
            if (maxSteps < 0) throw new InvalidArgumentException("maxSteps", "maxSteps must not be negative");
        }

        public RunUntil(long timeUs) {
            this(timeUs, Long.MAX_VALUE);
        }

        @Override
        public Boolean applyTo(Handler world) {
            return world.runUntil(this);
        }
    }

    /** Runs until nothing is pending, timers included; answers false if {@code maxSteps} ran out first. */
    record RunUntilIdle(long maxSteps) implements LabCommand<Boolean> {
        public RunUntilIdle {
            if (maxSteps < 0) throw new InvalidArgumentException("maxSteps", "maxSteps must not be negative");
        }

        @Override
        public Boolean applyTo(Handler world) {
            return world.runUntilIdle(this);
        }
    }

    /** Runs the next pending occurrence; answers false if nothing is pending (or, in real time, due). */
    record Step() implements LabCommand<Boolean> {
        @Override
        public Boolean applyTo(Handler world) {
            return world.step(this);
        }
    }

    /**
     * Schedules {@code steps} from now on (a scenario, compiled); answers the script's id, whose
     * progress {@link LabWorld#script} reports. {@code name} starts every failure note.
     */
    record RunScript(String name, List<ScriptStep> steps) implements LabCommand<Integer> {
        public RunScript {
            required("name", name);
            steps = List.copyOf(required("steps", steps));
        }

        @Override
        public Integer applyTo(Handler world) {
            return world.runScript(this);
        }
    }

    /**
     * Class mode on or off. On, each segment our stack emits from now on is held before it is logged
     * or reaches the link and opens a question; the lab's time stands until {@link Reveal}. Off sends
     * every held segment on, the open question first revealed with {@code closing} as its tally.
     */
    record SetQuiz(boolean enabled, QuizTally closing) implements LabCommand<Void> {
        public SetQuiz {
            required("closing", closing);
        }

        public SetQuiz(boolean enabled) {
            this(enabled, QuizTally.NONE);
        }

        @Override
        public Void applyTo(Handler world) {
            world.setQuiz(this);
            return null;
        }
    }

    /**
     * Reveals open question {@code question} ({@code quiz.revealed} with {@code tally}) and sends its
     * segment on; the next held segment, if any, opens the next question. Answers the question's key.
     */
    record Reveal(int question, QuizTally tally) implements LabCommand<QuizExpected> {
        public Reveal {
            if (question < 1) throw new InvalidArgumentException("question", "question must be 1 or more: " + question);
            required("tally", tally);
        }

        @Override
        public QuizExpected applyTo(Handler world) {
            return world.reveal(this);
        }
    }
}
