package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulation replays a seed exactly only if nothing on its path reads the wall clock, an
 * unseeded random source, or hash iteration order. This scans the engine's main sources (the
 * whole module is the simulation path) and names every offending line.
 */
class DeterminismSourceScanTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|LocalDateTime\\.now|Clock\\.system"
                    + "|ThreadLocalRandom|UUID\\.randomUUID|Math\\.random|new SecureRandom"
                    + "|new HashMap|new HashSet|HashMap::new|HashSet::new");

    @Test
    void noNondeterministicCallsInTheEngine() throws IOException {
        Path root = Paths.get("src/main/java/org/tcplab/engine");
        assertThat(root).as("run from the engine module directory").isDirectory();
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.filter(x -> x.toString().endsWith(".java")).sorted()::iterator) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    String code = stripComment(lines.get(i));
                    if (FORBIDDEN.matcher(code).find()) offences.add(p + ":" + (i + 1) + ": " + lines.get(i).trim());
                }
            }
        }
        assertThat(files).as("the scan saw the sources").isGreaterThan(20);
        assertThat(offences).isEmpty();
    }

    @Test
    void theScanCatchesWhatItLooksFor() {
        assertThat(FORBIDDEN.matcher("long t = System.nanoTime();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("Map<K, V> m = new HashMap<>();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("var r = ThreadLocalRandom.current();").find()).isTrue();
        assertThat(FORBIDDEN.matcher("Map<K, V> m = new LinkedHashMap<>();").find()).isFalse();
        assertThat(stripComment("x(); // System.nanoTime is not called here")).doesNotContain("nanoTime");
    }

    private static String stripComment(String line) {
        String t = line.trim();
        if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
