package org.tcplab.server.scenario;

import java.util.Locale;

/** A declared parameter with its type's range; {@link #check} turns a caller's value into a number. */
record ParamSpec(String name, String type, long defaultValue, long min, long max, Text description) {

    static final long SEQ_MAX = 0xffff_ffffL;

    static ParamSpec of(String name, String type, long defaultValue, Long min, Long max, Text description) {
        long lo;
        long hi;
        switch (type) {
            case "seq" -> {
                lo = 0;
                hi = SEQ_MAX;
            }
            case "port" -> {
                lo = 1;
                hi = 65535;
            }
            case "integer" -> {
                lo = Long.MIN_VALUE;
                hi = Long.MAX_VALUE;
            }
            default ->
                throw new IllegalArgumentException(
                        "parameter '" + name + "': type must be seq, port or integer, not '" + type + "'");
        }
        if (min != null) lo = Math.max(lo, min);
        if (max != null) hi = Math.min(hi, max);
        ParamSpec p = new ParamSpec(name, type, defaultValue, lo, hi, description);
        p.check(defaultValue, "default of parameter");
        return p;
    }

    /** Accepts integral numbers and decimal strings; throws IllegalArgumentException naming the parameter. */
    long check(Object value, String what) {
        long v;
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            v = ((Number) value).longValue();
        } else if (value instanceof Number n
                && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < 9.0e15) {
            v = n.longValue();
        } else if (value instanceof String s && s.strip().matches("-?\\d{1,18}")) {
            v = Long.parseLong(s.strip());
        } else {
            throw new ScenarioParamException(
                    name, what + " '" + name + "' must be an integer (" + type + "), got: " + value);
        }
        if (v < min || v > max) {
            throw new ScenarioParamException(
                    name, what + " '" + name + "' must be between " + min + " and " + max + ", got: " + v);
        }
        return v;
    }

    ScenarioParam info(Locale locale) {
        return new ScenarioParam(
                name,
                type,
                defaultValue,
                description.in(locale),
                min == Long.MIN_VALUE ? null : min,
                max == Long.MAX_VALUE ? null : max);
    }
}
