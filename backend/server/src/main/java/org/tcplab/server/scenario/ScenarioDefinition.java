package org.tcplab.server.scenario;

import java.util.List;
import java.util.Locale;

/**
 * A parsed scenario file (see {@code resources/scenarios/README.md} for the format). Immutable; one
 * definition serves any number of runs with different parameters.
 *
 * @param file where it came from, for error messages
 * @param order the place in the teaching order (catalog lists by order, then name)
 * @param group the library section it belongs to ({@code other} when the file names none)
 * @param rfc where the behaviour is specified (e.g. {@code RFC 9293 §3.5, Figure 8}), null if not given
 * @param companion the scenario to compare it with side by side (e.g. three-way vs four-way), or null
 * @param expectation null if the scenario states none
 */
public record ScenarioDefinition(
        String name,
        String file,
        int order,
        String group,
        String rfc,
        String companion,
        Text title,
        Text description,
        List<ParamSpec> params,
        LabSetup setup,
        List<Step> steps,
        Expectation expectation) {

    public ScenarioInfo info(Locale locale) {
        return new ScenarioInfo(
                name,
                title.in(locale),
                description.in(locale),
                group,
                companion,
                params.stream().map(p -> p.info(locale)).toList());
    }

    public String title(Locale locale) {
        return title.in(locale);
    }
}
