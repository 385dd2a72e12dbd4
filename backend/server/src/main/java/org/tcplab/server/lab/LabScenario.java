package org.tcplab.server.lab;

import org.tcplab.engine.event.LoggedEvent;

/**
 * A scenario running in a lab, as the lab sees it: the lab hands it each event it logs (so the
 * scenario keeps its verdict as the log grows, instead of the snapshot reading the whole log) and
 * shows its progress in the snapshot. The scenario feature implements it; the lab knows no more.
 */
public interface LabScenario {

    /** Each event the lab logs from the moment the scenario is attached, in id order, under the log's lock. */
    void logged(LoggedEvent event);

    /** What the snapshot shows ({@code scenario}); read on the lab's executor. */
    Progress progress();

    /** The snapshot's {@code scenario} object; the scenario feature's record is its schema. */
    interface Progress {}
}
