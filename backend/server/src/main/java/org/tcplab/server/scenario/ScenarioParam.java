package org.tcplab.server.scenario;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * A scenario parameter as the catalog shows it (localized description).
 *
 * @param type {@code seq} (a sequence number, 0..2^32-1), {@code port} (1..65535) or {@code integer}
 * @param defaultValue the value used when a run does not give one
 * @param min the smallest value accepted, null when the type sets no bound (so a form can check it)
 * @param max the largest value accepted, null when the type sets no bound
 */
public record ScenarioParam(
        String name,
        @Schema(allowableValues = {"seq", "port", "integer"}) String type,
        long defaultValue,
        String description,
        Long min,
        Long max) {}
