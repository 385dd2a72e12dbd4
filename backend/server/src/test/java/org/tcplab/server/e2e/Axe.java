package org.tcplab.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * axe-core (from frontend/node_modules, the npm devDependency) run in a page: every violation of
 * WCAG 2.2 AA and best practice is printed, and a serious or critical one fails the test.
 */
final class Axe {

    static final Path SCRIPT = Paths.get("../../frontend/node_modules/axe-core/axe.min.js");

    private Axe() {}

    /** Checks {@code selector}'s element (the whole document for null) and fails on serious or critical findings. */
    static void check(Page page, String selector, String name) throws IOException {
        assertThat(SCRIPT)
                .as("axe-core from the frontend's npm devDependencies")
                .exists();
        page.evaluate(Files.readString(SCRIPT));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> violations = (List<Map<String, Object>>) page.evaluate(
                """
                async (selector) => {
                  const scope = selector ? document.querySelector(selector) : document;
                  const r = await axe.run(scope, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
                  return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
                    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ') }));
                }
                """,
                selector);
        for (Map<String, Object> v : violations)
            System.out.printf(
                    "AXE %s %s %s (%s nodes) %s%n",
                    name, v.get("impact"), v.get("id"), v.get("nodes"), v.get("targets"));
        System.out.printf("AXE %s: %d violations in all%n", name, violations.size());
        assertThat(violations.stream()
                        .filter(v -> List.of("serious", "critical").contains(String.valueOf(v.get("impact"))))
                        .toList())
                .as(name + ": serious or critical axe violations")
                .isEmpty();
    }
}
