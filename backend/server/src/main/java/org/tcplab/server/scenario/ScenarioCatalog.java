package org.tcplab.server.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;
import org.tcplab.server.lab.LabScenario;

/**
 * Every scenario under {@code classpath:scenarios/*.yaml}, parsed and checked when the server starts:
 * a broken file stops the start with its name and the problem, so a teacher's typo never reaches a
 * class. Listed in the files' {@code order} (then by name): the teaching order.
 */
@Component
public class ScenarioCatalog {

    static final String LOCATION = "classpath*:scenarios/*.yaml";

    private final Map<String, ScenarioDefinition> byName;

    public ScenarioCatalog() {
        this(LOCATION);
    }

    ScenarioCatalog(String location) {
        this.byName = load(location);
    }

    private static Map<String, ScenarioDefinition> load(String location) {
        Resource[] resources;
        try {
            resources = new PathMatchingResourcePatternResolver().getResources(location);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list scenario files at " + location, e);
        }
        List<Resource> sorted = new ArrayList<>(List.of(resources));
        sorted.sort(Comparator.comparing(r -> String.valueOf(r.getFilename())));
        Map<String, ScenarioDefinition> out = new TreeMap<>();
        for (Resource r : sorted) {
            String file = "scenarios/" + r.getFilename();
            ScenarioDefinition def;
            try (InputStream in = r.getInputStream()) {
                def = ScenarioParser.parse(file, in);
            } catch (IOException e) {
                throw new ScenarioFileException(file, "cannot be read: " + e.getMessage(), e);
            }
            if (out.putIfAbsent(def.name(), def) != null) {
                throw new ScenarioFileException(
                        file, "another file already defines scenario '" + def.name() + "'", null);
            }
        }
        if (out.isEmpty()) throw new IllegalStateException("no scenario files found at " + location);
        for (ScenarioDefinition d : out.values()) {
            if (d.companion() != null && !out.containsKey(d.companion())) {
                throw new ScenarioFileException(
                        d.file(), "its companion '" + d.companion() + "' is no scenario here", null);
            }
        }
        return out;
    }

    /** The catalog in one language (Chinese for any {@code zh} locale, English otherwise). */
    public List<ScenarioInfo> list(Locale locale) {
        return all().stream().map(d -> d.info(locale)).toList();
    }

    /** The title, in {@code locale}, of the scenario a lab ran (empty when it ran none of ours). */
    public Optional<String> titleOf(LabScenario running, Locale locale) {
        return running instanceof RunningScenario r ? Optional.of(r.run().title(locale)) : Optional.empty();
    }

    public Optional<ScenarioDefinition> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** Every scenario in teaching order. */
    public List<ScenarioDefinition> all() {
        return byName.values().stream()
                .sorted(Comparator.comparingInt(ScenarioDefinition::order).thenComparing(ScenarioDefinition::name))
                .toList();
    }
}
