package org.tcplab.server.capture;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.tcplab.engine.capture.CaptureFormatException;
import org.tcplab.engine.capture.CaptureImport;
import org.tcplab.engine.capture.CaptureLimits;
import org.tcplab.engine.capture.CaptureWorld;
import org.tcplab.engine.capture.Conversation;
import org.tcplab.engine.capture.ConversationReplay;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.engine.lab.CaptureInfo;
import org.tcplab.engine.sim.SimConfig;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabMapping;
import org.tcplab.server.lab.LabScenario;
import org.tcplab.server.lab.LabService;
import org.tcplab.server.lab.LabSettings;
import org.tcplab.server.scenario.HandshakeCheck;
import org.tcplab.server.scenario.ScenarioVerdict;
import org.tcplab.server.system.LabProblem;
import org.tcplab.server.system.ProblemType;
import org.tcplab.server.system.TcpLabProperties;

/**
 * A capture file to labs: the engine imports and replays it ({@link CaptureImport},
 * {@link ConversationReplay}), each conversation becomes a read-only lab in the one lab registry
 * (so {@code tcplab.max-labs} and the idle timeout apply), all sharing the upload's token, and a
 * conversation that holds a SYN gets the three-way handshake's verdict ({@link HandshakeCheck}).
 */
@Service
public class CaptureLabs {

    /** Every capture lab's settings: mode {@code capture}; the simulation's part is never used. */
    private static final LabSettings CAPTURE = new LabSettings("capture", SimConfig.defaults(0), null);

    /** Imports running at once: each holds a whole file and its replay in memory. */
    private static final int CONCURRENT_IMPORTS = 2;

    private final LabService labs;
    private final TcpLabProperties props;
    private final Semaphore imports = new Semaphore(CONCURRENT_IMPORTS);

    CaptureLabs(LabService labs, TcpLabProperties props) {
        this.labs = labs;
        this.props = props;
    }

    /**
     * Imports {@code file} (from {@code source}: a file name or sample name, for display); 400 if it
     * is not a capture. {@code viewerUrl} gives a lab's link for the class.
     */
    CaptureJson.Upload upload(ByteBuffer file, String source, Function<String, String> viewerUrl) {
        try {
            if (!imports.tryAcquire(props.getLabBusyTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new LabProblem(
                        ProblemType.UNAVAILABLE,
                        CONCURRENT_IMPORTS + " captures are being imported; try again in a few seconds",
                        null,
                        Duration.ofSeconds(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LabProblem.unavailable("the server is shutting down");
        }
        try {
            return importFile(file, source, viewerUrl);
        } finally {
            imports.release();
        }
    }

    private CaptureJson.Upload importFile(ByteBuffer file, String source, Function<String, String> viewerUrl) {
        CaptureImport.Result imported;
        try {
            imported = CaptureImport.read(
                    file, new CaptureLimits(props.getMaxCaptureConversations(), props.getMaxCaptureSegments()));
        } catch (CaptureFormatException e) {
            throw new LabProblem(ProblemType.NOT_A_CAPTURE, e.getMessage(), "file", null);
        }
        List<ConversationReplay.Result> replays = new ArrayList<>();
        for (Conversation c : imported.conversations()) replays.add(ConversationReplay.replay(c));
        // The lab ids come first, so each world can name the upload's other conversations.
        List<Lab> created = labs.createGroup(CAPTURE, replays.size(), (i, ids, sink) -> {
            List<CaptureInfo.Sibling> siblings = new ArrayList<>();
            for (int j = 0; j < replays.size(); j++) {
                Conversation c = replays.get(j).conversation();
                siblings.add(new CaptureInfo.Sibling(
                        c.index(),
                        ids.get(j),
                        c.client().toString(),
                        c.server().toString(),
                        c.segmentCount(),
                        c.handshakeSeen()));
            }
            return new CaptureWorld(replays.get(i), imported.format(), source, siblings, sink);
        });

        List<CaptureJson.ConversationLab> conversations = new ArrayList<>();
        for (int i = 0; i < created.size(); i++) {
            Lab lab = created.get(i);
            ConversationReplay.Result r = replays.get(i);
            Conversation c = r.conversation();
            conversations.add(new CaptureJson.ConversationLab(
                    c.index(),
                    lab.id(),
                    c.client().toString(),
                    c.server().toString(),
                    c.segmentCount(),
                    c.handshakeSeen(),
                    c.segments().size(),
                    LabMapping.ms(c.durationNanos() / 1000),
                    c.segments().get(0).ipVersion(),
                    r.clientState().name(),
                    r.serverState().name(),
                    viewerUrl.apply(lab.id())));
            if (r.handshake() != null) verdict(lab, r);
        }
        List<CaptureJson.Skipped> skipped = new ArrayList<>();
        for (CaptureImport.Skip s : imported.skipped()) {
            skipped.add(new CaptureJson.Skipped(s.reason(), s.detail(), s.count()));
        }
        String note = imported.leftOutConversations() == 0
                ? null
                : "the capture holds " + (imported.conversations().size() + imported.leftOutConversations())
                        + " TCP conversations; the first "
                        + imported.conversations().size()
                        + " became labs (tcplab.max-capture-conversations)";
        return new CaptureJson.Upload(
                created.get(0).token(),
                imported.format().id(),
                imported.packets(),
                imported.tcpSegments(),
                skipped,
                conversations,
                imported.leftOutConversations(),
                note);
    }

    /**
     * "Compare with the RFC": the handshake part of the log against RFC 9293 figure 6 with the
     * capture's ISNs. The log of a capture never changes, so the verdict is worked out once.
     */
    private static void verdict(Lab lab, ConversationReplay.Result r) {
        ConversationReplay.Handshake h = r.handshake();
        List<LoggedEvent> log = lab.events(0, 500);
        List<LoggedEvent> handshake = new ArrayList<>();
        int segments = 0;
        for (LoggedEvent e : log) {
            // Enough of the log for three segments and their retransmissions and states, not the whole transfer.
            if (e.event() instanceof LabEvent.SegmentSent && ++segments > 12) break;
            handshake.add(e);
        }
        ScenarioVerdict verdict = HandshakeCheck.verdict(
                h.clientIsn(),
                h.serverIsn(),
                r.conversation().client().port(),
                r.conversation().server().port(),
                handshake);
        HandshakeProgress progress = new HandshakeProgress(
                HandshakeCheck.NAME,
                "Three-way handshake (RFC 9293 §3.5) with the capture's ISNs",
                false,
                Map.of("c", ConversationReplay.CONNECTION),
                verdict);
        // Worked out once: nothing is logged after the import, so the run is handed no events.
        lab.scenario(
                new LabScenario() {
                    @Override
                    public void logged(LoggedEvent event) {}

                    @Override
                    public LabScenario.Progress progress() {
                        return progress;
                    }
                },
                Long.MAX_VALUE);
    }

    /** The capture's handshake verdict, shown where a scenario's progress is (the snapshot's {@code scenario}). */
    record HandshakeProgress(
            String name, String title, boolean running, Map<String, String> connections, ScenarioVerdict verdict)
            implements LabScenario.Progress {}
}
