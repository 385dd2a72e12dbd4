package org.tcplab.server.lab;

import java.util.Map;
import org.tcplab.engine.lab.LabWorld;

/**
 * Restores what a feature kept about a lab as a {@link JournalEntry.Mark} of its {@link #kind()}
 * (a Spring bean per kind): called on the lab's executor during replay, right after the commands
 * journaled before the mark, so the world is as it was when the mark was made.
 */
public interface LabMarks {

    String kind();

    void restore(Lab lab, LabWorld world, Map<String, Object> data);
}
