package org.tcplab.server.scenario;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.tcplab.engine.lab.LabWorld;
import org.tcplab.server.lab.Lab;
import org.tcplab.server.lab.LabMarks;

/**
 * A scenario started in a lab, kept in the lab's journal (its steps are the journaled
 * {@code RunScript}; this mark is what the snapshot's {@code scenario} needs besides: the name, the
 * parameters and where the run started), and shown again when the lab is rebuilt.
 */
@Component
class ScenarioMarks implements LabMarks {

    static final String KIND = "scenario";
    private final ScenarioCatalog catalog;
    private final ScenarioRunner runner;

    ScenarioMarks(ScenarioCatalog catalog, ScenarioRunner runner) {
        this.catalog = catalog;
        this.runner = runner;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * Shows {@code run} in the lab's snapshot (handed the events logged since {@code fromUs}) and
     * journals it (call from the lab's work).
     */
    static void started(Lab lab, ScenarioRun run, long fromUs) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", run.name());
        data.put("params", run.params());
        data.put("startUs", run.startUs());
        data.put("script", run.script());
        lab.mark(KIND, data);
        lab.scenario(new RunningScenario(run), fromUs);
    }

    @Override
    public void restore(Lab lab, LabWorld world, Map<String, Object> data) {
        catalog.find((String) data.get("name")).ifPresent(def -> {
            Map<String, Long> params = new LinkedHashMap<>();
            ((Map<?, ?>) data.get("params")).forEach((k, v) -> params.put((String) k, ((Number) v).longValue()));
            long startUs = ((Number) data.get("startUs")).longValue();
            int script = ((Number) data.get("script")).intValue();
            lab.scenario(new RunningScenario(runner.resume(def, params, startUs, script, world)), startUs);
        });
    }
}
