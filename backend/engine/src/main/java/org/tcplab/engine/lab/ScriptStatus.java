package org.tcplab.engine.lab;

import java.util.List;
import java.util.Map;

/**
 * How far a script has come ({@link LabWorld#script}): a copy, safe to keep.
 *
 * @param startUs the lab time the script started at; its steps' times count from here
 * @param done steps that have run (carried out or failed)
 * @param failures each failed step in plain words, in order
 * @param connections the script's aliases and the lab connection ids they got
 */
public record ScriptStatus(
        int id,
        String name,
        long startUs,
        int steps,
        int done,
        List<String> failures,
        Map<String, String> connections) {

    public ScriptStatus {
        failures = List.copyOf(failures);
        connections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(connections));
    }

    /** True while some step has yet to run (after the last one the lab may still be busy with its consequences). */
    public boolean running() {
        return done < steps;
    }
}
