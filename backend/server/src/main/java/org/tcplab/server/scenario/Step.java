package org.tcplab.server.scenario;

/**
 * One scripted moment: at {@code atUs} after the run starts, narrate (optional) and do (optional).
 *
 * @param at the time as written ({@code 0ms}, {@code 1.5s}); the number may be an expression
 * @param atUnitUs microseconds per unit of {@code at}
 */
record Step(String name, Expr at, long atUnitUs, Text narration, Action action) {

    long atUs(java.util.Map<String, Long> params) {
        return at.eval(params) * atUnitUs;
    }
}
