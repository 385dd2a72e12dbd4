package org.tcplab.server.scenario;

import java.util.List;

/** One catalog entry in one language ({@code GET /api/scenarios}). */
public record ScenarioInfo(String name, String title, String description, List<ScenarioParam> params) {}
