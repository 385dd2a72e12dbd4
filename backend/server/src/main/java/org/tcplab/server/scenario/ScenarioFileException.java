package org.tcplab.server.scenario;

/** A scenario file that cannot be used, with the file's name and the problem in plain words. */
public class ScenarioFileException extends RuntimeException {

    public ScenarioFileException(String file, String problem, Throwable cause) {
        super("scenario file " + file + ": " + problem, cause);
    }
}
