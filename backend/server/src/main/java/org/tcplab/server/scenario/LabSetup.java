package org.tcplab.server.scenario;

import java.util.Map;

/**
 * Lab settings a scenario needs, in lab-api.md's names ({@code POST /labs} {@code tcp} and
 * {@code link}). Values are expressions or booleans; absent keys keep the lab's value.
 */
record LabSetup(Map<String, Object> tcp, Map<String, Object> link) {

    static final LabSetup NONE = new LabSetup(Map.of(), Map.of());
}
