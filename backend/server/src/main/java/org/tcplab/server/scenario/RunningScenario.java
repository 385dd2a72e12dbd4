package org.tcplab.server.scenario;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.tcplab.engine.event.LabEvent;
import org.tcplab.engine.event.LoggedEvent;
import org.tcplab.server.lab.LabScenario;

/**
 * A scenario run attached to its lab: it keeps, as the lab logs them, only the events its verdict
 * reads (the run's segments and their drops, states, data and timers since it started), and the
 * verdict of those, recomputed only when one was added or a step failed since the last look. The
 * snapshot (which the page asks for every 250 ms) neither copies nor walks the lab's whole log.
 */
final class RunningScenario implements LabScenario {

    /** What the lab snapshot shows of a running scenario ({@code scenario}). */
    record ScenarioProgress(
            String name, String title, boolean running, Map<String, String> connections, ScenarioVerdict verdict)
            implements LabScenario.Progress {}

    private final ScenarioRun run;
    private final Kept kept = new Kept();
    /** Segment ids of the run's segments (their drops are kept too); written under the lab's log lock. */
    private final Set<Long> segments = new HashSet<>();

    private int verdictSize = -1;
    private List<String> verdictFailures;
    private ScenarioVerdict verdict;

    RunningScenario(ScenarioRun run) {
        this.run = run;
    }

    @Override
    public void logged(LoggedEvent e) {
        LabEvent event = e.event();
        boolean keep;
        if (event instanceof LabEvent.SegmentSent s) {
            keep = s.timeUs() >= run.startUs()
                    && run.ports().contains(s.header().srcPort())
                    && run.ports().contains(s.header().dstPort());
            if (keep) segments.add(s.segmentId());
        } else if (event instanceof LabEvent.SegmentDropped d) {
            keep = segments.contains(d.segmentId());
        } else {
            keep = (event instanceof LabEvent.StateChanged
                            || event instanceof LabEvent.DataDelivered
                            || event instanceof LabEvent.TimerChanged)
                    && event.timeUs() >= run.startUs();
        }
        if (keep) kept.add(e);
    }

    /** Read on the lab's executor (where the run's progress may be read). */
    @Override
    public synchronized ScenarioProgress progress() {
        return new ScenarioProgress(run.name(), run.title(Locale.ENGLISH), run.running(), run.connections(), verdict());
    }

    /** The verdict of the events kept so far; the same as the verdict of the whole log. */
    synchronized ScenarioVerdict verdict() {
        List<LoggedEvent> events = kept.snapshot();
        List<String> failures = run.failures();
        if (events.size() != verdictSize || !failures.equals(verdictFailures)) {
            verdict = run.verdict(events);
            verdictSize = events.size();
            verdictFailures = failures;
        }
        return verdict;
    }

    ScenarioRun run() {
        return run;
    }

    /**
     * An append-only list: one writer (under the lab's log lock), readers that take a snapshot of
     * its first n elements without copying them (a grown array is new; the old one stays valid).
     */
    private static final class Kept {
        private volatile LoggedEvent[] items = new LoggedEvent[64];
        private volatile int size;

        synchronized void add(LoggedEvent e) {
            LoggedEvent[] a = items;
            if (size == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
                items = a;
            }
            a[size] = e;
            size = size + 1;
        }

        List<LoggedEvent> snapshot() {
            LoggedEvent[] a;
            int n;
            synchronized (this) {
                a = items;
                n = size;
            }
            return new AbstractList<>() {
                @Override
                public LoggedEvent get(int i) {
                    if (i >= n) throw new IndexOutOfBoundsException(i);
                    return a[i];
                }

                @Override
                public int size() {
                    return n;
                }
            };
        }
    }
}
