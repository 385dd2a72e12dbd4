package org.tcplab.server.scenario;

import java.util.List;

/**
 * One catalog entry in one language ({@code GET /api/scenarios}).
 *
 * @param group where it belongs in the library ({@code handshake}, {@code why-three}, {@code loss},
 *     {@code closing}, {@code attacks}, or {@code other}), so the start page can group companions
 */
public record ScenarioInfo(
        String name, String title, String description, String group, String companion, List<ScenarioParam> params) {}
