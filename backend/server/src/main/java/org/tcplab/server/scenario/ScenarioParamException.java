package org.tcplab.server.scenario;

/**
 * A run's parameter is unknown or invalid. An IllegalArgumentException (HTTP 400) that also names the
 * parameter, so the problem body can point at {@code params.<param>}.
 */
public class ScenarioParamException extends IllegalArgumentException {

    private final String param;

    public ScenarioParamException(String param, String message) {
        super(message);
        this.param = param;
    }

    /** The parameter's name as the request spelled it. */
    public String param() {
        return param;
    }
}
