package org.tcplab.engine.lab;

import static org.tcplab.engine.InvalidArgumentException.required;

import org.tcplab.engine.InvalidArgumentException;

/**
 * One moment of a script: {@code atUs} after the script starts, narrate (both languages, optional)
 * and then apply {@code command} (optional). Inside a script, commands name connections by the
 * script's aliases: a {@link LabCommand.Connect} step binds the id it answers to {@code as}.
 *
 * @param name the step's stable name (narration events and failure notes carry it)
 * @param en the narration in English, or null for a silent step
 * @param zh the narration in Simplified Chinese; given exactly when {@code en} is
 */
public record ScriptStep(long atUs, String name, String en, String zh, String as, LabCommand<?> command) {

    public ScriptStep {
        if (atUs < 0) throw new InvalidArgumentException("at", "a step's time (at) must not be negative: " + atUs);
        required("name", name);
        if ((en == null) != (zh == null)) {
            throw new InvalidArgumentException("narration", "narration needs both en and zh, or neither");
        }
        if (as != null && !(command instanceof LabCommand.Connect)) {
            throw new InvalidArgumentException("as", "only a connect step names its connection (as)");
        }
        if (command instanceof LabCommand.RunUntil
                || command instanceof LabCommand.RunUntilIdle
                || command instanceof LabCommand.Step
                || command instanceof LabCommand.RunScript) {
            throw new InvalidArgumentException("command", "a script step's command cannot move time or start a script");
        }
    }
}
