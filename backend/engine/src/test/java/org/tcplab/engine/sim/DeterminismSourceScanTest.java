package org.tcplab.engine.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulation replays a seed exactly only if nothing on its path reads the wall clock, an
 * unseeded random source, or hash iteration order. This scans the engine's main sources (the
 * whole module is the simulation path) and names every offending line.
 *
 * <p>Clock and random calls, {@code new HashMap} and {@code new HashSet} are refused outright (use
 * LinkedHashMap, LinkedHashSet or TreeMap). {@code IdentityHashMap} and {@code WeakHashMap}, whose
 * order follows identity hash codes, pass only when provably used for lookups only: assigned to a
 * named field or variable whose every use in the file is a keyed operation (get, put, remove,
 * computeIfAbsent, ...). Anything that could iterate one (a loop, keySet/values/entrySet/stream/
 * forEach, or passing it to something that copies it) is an offence.
 */
class DeterminismSourceScanTest {

    private static final Pattern FORBIDDEN = Pattern.compile(
            "System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|LocalDateTime\\.now|Clock\\.system"
                    + "|ThreadLocalRandom|UUID\\.randomUUID|Math\\.random|new SecureRandom"
                    + "|new\\s+Hash(?:Map|Set)\\b|\\bHash(?:Map|Set)::new");

    private static final Pattern HASHED =
            Pattern.compile("new\\s+(?:Identity|Weak)Hash(?:Map|Set)\\b|(?:Identity|Weak)Hash(?:Map|Set)::new");

    private static final Pattern NAMED_HASHED =
            Pattern.compile("(\\w+)\\s*=\\s*new\\s+(?:Identity|Weak)Hash(?:Map|Set)\\s*<[^;]*>\\s*\\(\\s*\\)\\s*;");

    private static final Pattern KEYED_USE = Pattern.compile(
            "\\s*\\.\\s*(?:get|getOrDefault|put|putIfAbsent|remove|containsKey|contains|add|computeIfAbsent"
                    + "|computeIfPresent|compute|merge|replace|clear|isEmpty|size)\\s*\\(");

    @Test
    void noNondeterministicCallsInTheEngine() throws IOException {
        Path root = Paths.get("src/main/java/org/tcplab/engine");
        assertThat(root).as("run from the engine module directory").isDirectory();
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>)
                    paths.filter(x -> x.toString().endsWith(".java")).sorted()::iterator) {
                files++;
                offences.addAll(offences(p.toString(), Files.readAllLines(p)));
            }
        }
        assertThat(files).as("the scan saw the sources").isGreaterThan(20);
        assertThat(offences).isEmpty();
    }

    @Test
    void theScanCatchesWhatItLooksFor() {
        assertThat(offences("A", List.of("long t = System.nanoTime();"))).hasSize(1);
        assertThat(offences("A", List.of("var r = ThreadLocalRandom.current();")))
                .hasSize(1);
        assertThat(offences("A", List.of("x(); // System.nanoTime is not called here")))
                .isEmpty();
        assertThat(offences("A", List.of("Map<K, V> m = new LinkedHashMap<>();", "for (var e : m.entrySet()) {}")))
                .isEmpty();
        // HashMap and HashSet are refused even for lookups: the rule is simple to follow.
        assertThat(offences("A", List.of("private final Map<K, V> seen = new HashMap<>();", "seen.get(k);")))
                .hasSize(1);
        assertThat(offences("A", List.of("Set<K> s = new HashSet<>();"))).hasSize(1);
        // Lookup-only identity maps cannot leak their order.
        assertThat(offences(
                        "A",
                        List.of(
                                "private final Map<K, V> seen = new IdentityHashMap<>();",
                                "V v = seen.get(k); seen.put(k, v); seen.computeIfAbsent(k, x -> v);",
                                "public byte[] seen(K k) { return null; }")))
                .isEmpty();
        // Iterating one, copying one, or an anonymous one is refused.
        assertThat(offences("A", List.of("Map<T, L> m = new IdentityHashMap<>();", "for (var e : m.entrySet()) {}")))
                .hasSize(1);
        assertThat(offences("A", List.of("Map<T, L> m = new IdentityHashMap<>();", "return List.copyOf(m.keySet());")))
                .hasSize(1);
        assertThat(offences("A", List.of("Map<T, L> m = new IdentityHashMap<>();", "m.values().forEach(x -> {});")))
                .hasSize(1);
        assertThat(offences("A", List.of("return new IdentityHashMap<>(other);")))
                .hasSize(1);
        assertThat(offences("A", List.of("return new HashMap<>(other);"))).hasSize(1);
    }

    private static List<String> offences(String file, List<String> lines) {
        List<String> code = new ArrayList<>(lines.size());
        for (String l : lines) code.add(stripComment(l));
        List<String> out = new ArrayList<>();
        for (int i = 0; i < code.size(); i++) {
            String line = code.get(i);
            if (FORBIDDEN.matcher(line).find())
                out.add(file + ":" + (i + 1) + ": " + lines.get(i).trim());
            if (HASHED.matcher(line).find()) {
                Matcher named = NAMED_HASHED.matcher(line);
                String problem = named.find() ? iteratedUse(named.group(1), code, i) : "not a named lookup table";
                if (problem != null) {
                    out.add(file + ":" + (i + 1) + ": " + lines.get(i).trim() + " (hash order may leak: " + problem
                            + ")");
                }
            }
        }
        return out;
    }

    /** The first use of {@code name} that is not a keyed operation, or null if there is none. */
    private static String iteratedUse(String name, List<String> code, int declaration) {
        Pattern use = Pattern.compile("\\b" + Pattern.quote(name) + "\\b");
        for (int i = 0; i < code.size(); i++) {
            Matcher m = use.matcher(code.get(i));
            while (m.find()) {
                if (i == declaration) continue;
                String rest = code.get(i).substring(m.end());
                if (rest.stripLeading().startsWith("(")) continue; // a method of the same name
                if (KEYED_USE.matcher(rest).lookingAt()) continue;
                return "line " + (i + 1) + ": " + code.get(i).trim();
            }
        }
        return null;
    }

    private static String stripComment(String line) {
        String t = line.trim();
        if (t.startsWith("*") || t.startsWith("/*") || t.startsWith("//")) return "";
        int c = line.indexOf("//");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
