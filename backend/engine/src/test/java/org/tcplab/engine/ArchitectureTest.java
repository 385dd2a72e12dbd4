package org.tcplab.engine;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules (docs/architecture.md), checked on its compiled classes: it knows nothing of
 * Spring, Reactor, netty, sockets or threads of its own, its packages have no cycles, and nothing
 * on the simulation path reads the wall clock, an unseeded random source or hash iteration order,
 * so a seed replays a run exactly. Each rule is also shown to catch an offender (the fixtures below).
 */
class ArchitectureTest {

    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.tcplab.engine");

    /** Frameworks and I/O belong to the server and the TAP module. */
    static final ArchRule NO_FRAMEWORKS_OR_IO = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "org.springframework..",
                    "reactor..",
                    "io.netty..",
                    "java.net..",
                    "java.nio.channels..",
                    "com.sun.jna..",
                    "org.pcap4j..")
            .because("the engine is sans I/O: the server and backend/tap drive it");

    /** One caller at a time, on whatever thread the owner chose. */
    static final ArchRule NO_THREADS_OF_ITS_OWN = noClasses()
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(Thread.class, java.util.concurrent.Executor.class, java.util.concurrent.Executors.class)
            .orShould()
            .dependOnClassesThat()
            .resideInAnyPackage("java.util.concurrent..")
            .because("concurrency lives outside the engine: one executor per lab keeps order");

    /**
     * No package cycles, except two known ones, listed so that no new one can join them: events name
     * the TCP states and timers ({@code event -> tcp.TcpState, tcp.TimerKind}), and the TCB knows its
     * connection's key and snapshot ({@code tcp -> stack.ConnectionKey, stack.ConnectionSnapshot}).
     * Moving those four types is a rename across every module, left for a quieter moment.
     */
    static final ArchRule NO_CYCLES = slices().matching("org.tcplab.engine.(*)..")
            .should()
            .beFreeOfCycles()
            .ignoreDependency(
                    resideInAPackage("org.tcplab.engine.event.."),
                    name("org.tcplab.engine.tcp.TcpState").or(name("org.tcplab.engine.tcp.TimerKind")))
            .ignoreDependency(
                    resideInAPackage("org.tcplab.engine.tcp.."),
                    name("org.tcplab.engine.stack.ConnectionKey")
                            .or(name("org.tcplab.engine.stack.ConnectionSnapshot")));

    /** The wall clock and unseeded randomness break replay; time is injected, randomness seeded. */
    static final ArchRule NO_WALL_CLOCK_OR_UNSEEDED_RANDOM = noClasses()
            .should()
            .callMethod(System.class, "currentTimeMillis")
            .orShould()
            .callMethod(System.class, "nanoTime")
            .orShould()
            .callMethod(Instant.class, "now")
            .orShould()
            .callMethod(LocalDateTime.class, "now")
            .orShould()
            .callMethod(Clock.class, "systemUTC")
            .orShould()
            .callMethod(Clock.class, "systemDefaultZone")
            .orShould()
            .callMethod(Math.class, "random")
            .orShould()
            .callMethod(UUID.class, "randomUUID")
            .orShould()
            .dependOnClassesThat()
            .belongToAnyOf(ThreadLocalRandom.class, SecureRandom.class)
            .because("the same seed and commands must give the same events (CommandReplayTest)");

    /**
     * HashMap and HashSet iterate in hash order: refused outright (LinkedHashMap, LinkedHashSet or
     * TreeMap instead). Identity and weak maps only as typed lookup tables: a field of that very
     * type (so every call on it is visible here) and no call that could reveal their order.
     */
    static final ArchRule NO_HASH_ORDER = noClasses()
            .should()
            .callConstructor(HashMap.class)
            .orShould()
            .callConstructor(HashMap.class, int.class)
            .orShould()
            .callConstructor(HashMap.class, Map.class)
            .orShould()
            .callConstructor(HashSet.class)
            .orShould()
            .callConstructor(HashSet.class, int.class)
            .orShould()
            .callConstructor(HashSet.class, java.util.Collection.class)
            .because("hash iteration order differs between runs");

    static final ArchRule IDENTITY_MAPS_ARE_NOT_ITERATED =
            classes().should(notIterateAnIdentityOrWeakMap()).because("identity hash order differs between runs");

    static final ArchRule IDENTITY_MAPS_ARE_TYPED_FIELDS = classes()
            .should(constructIdentityOrWeakMapsOnlyIntoFieldsOfTheirType())
            .because("only then can every use of it be checked for iteration");

    private static final Set<String> ITERATING =
            Set.of("keySet", "values", "entrySet", "forEach", "toString", "hashCode", "equals", "putAll");

    private static ArchCondition<com.tngtech.archunit.core.domain.JavaClass> notIterateAnIdentityOrWeakMap() {
        return new ArchCondition<>("not iterate an IdentityHashMap or WeakHashMap") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass c, ConditionEvents events) {
                for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                    AccessTarget.MethodCallTarget t = call.getTarget();
                    boolean identity = t.getOwner().isEquivalentTo(IdentityHashMap.class)
                            || t.getOwner().isEquivalentTo(WeakHashMap.class);
                    if (identity && ITERATING.contains(t.getName())) {
                        events.add(SimpleConditionEvent.violated(call, call.getDescription()));
                    }
                }
            }
        };
    }

    private static ArchCondition<com.tngtech.archunit.core.domain.JavaClass>
            constructIdentityOrWeakMapsOnlyIntoFieldsOfTheirType() {
        return new ArchCondition<>("construct IdentityHashMaps and WeakHashMaps only for fields of that type") {
            @Override
            public void check(com.tngtech.archunit.core.domain.JavaClass c, ConditionEvents events) {
                c.getConstructorCallsFromSelf().stream()
                        .filter(call -> call.getTargetOwner().isEquivalentTo(IdentityHashMap.class)
                                || call.getTargetOwner().isEquivalentTo(WeakHashMap.class))
                        .forEach(call -> {
                            boolean typedField = call.getTargetOwner().getName() != null
                                    && c.getFields().stream()
                                            .map(JavaField::getRawType)
                                            .anyMatch(type -> type.isEquivalentTo(
                                                    call.getTargetOwner().reflect()));
                            if (!typedField
                                    || call.getTarget().getParameterTypes().size() > 0) {
                                events.add(SimpleConditionEvent.violated(call, call.getDescription()));
                            }
                        });
            }
        };
    }

    @Test
    void theEngineKnowsNoFrameworkSocketOrThread() {
        NO_FRAMEWORKS_OR_IO.check(ENGINE);
        NO_THREADS_OF_ITS_OWN.check(ENGINE);
    }

    @Test
    void theEnginesPackagesHaveNoCycles() {
        NO_CYCLES.check(ENGINE);
    }

    @Test
    void nothingOnTheSimulationPathIsNondeterministic() {
        assertThat(ENGINE.size()).as("the rules saw the engine").isGreaterThan(50);
        NO_WALL_CLOCK_OR_UNSEEDED_RANDOM.check(ENGINE);
        NO_HASH_ORDER.check(ENGINE);
        IDENTITY_MAPS_ARE_NOT_ITERATED.check(ENGINE);
        IDENTITY_MAPS_ARE_TYPED_FIELDS.check(ENGINE);
    }

    // ---- the rules catch what they look for ----

    static final class ReadsTheWallClock {
        long now() {
            return System.nanoTime();
        }
    }

    static final class RollsUnseededDice {
        int roll() {
            return ThreadLocalRandom.current().nextInt(6);
        }
    }

    static final class IteratesAHashMap {
        final Map<String, Integer> m = new HashMap<>();
    }

    static final class LooksUpByIdentity {
        private final IdentityHashMap<Object, String> seen = new IdentityHashMap<>();

        String of(Object o) {
            return seen.computeIfAbsent(o, x -> "x");
        }
    }

    static final class LeaksIdentityOrder {
        private final IdentityHashMap<Object, String> seen = new IdentityHashMap<>();

        List<Object> all() {
            return List.copyOf(seen.keySet());
        }
    }

    static final class HidesAnIdentityMap {
        private final Map<Object, String> seen = new IdentityHashMap<>();
    }

    static final class StartsAThread {
        void go() {
            new Thread(() -> {}).start();
        }
    }

    static final class OpensASocket {
        Object open() throws java.io.IOException {
            return new java.net.Socket();
        }
    }

    private static JavaClasses fixture(Class<?> c) {
        return new ClassFileImporter().importClasses(c);
    }

    @Test
    void theRulesCatchWhatTheyLookFor() {
        assertThat(NO_WALL_CLOCK_OR_UNSEEDED_RANDOM
                        .evaluate(fixture(ReadsTheWallClock.class))
                        .hasViolation())
                .isTrue();
        assertThat(NO_WALL_CLOCK_OR_UNSEEDED_RANDOM
                        .evaluate(fixture(RollsUnseededDice.class))
                        .hasViolation())
                .isTrue();
        assertThat(NO_HASH_ORDER.evaluate(fixture(IteratesAHashMap.class)).hasViolation())
                .isTrue();
        assertThat(IDENTITY_MAPS_ARE_NOT_ITERATED
                        .evaluate(fixture(LeaksIdentityOrder.class))
                        .hasViolation())
                .isTrue();
        assertThat(IDENTITY_MAPS_ARE_TYPED_FIELDS
                        .evaluate(fixture(HidesAnIdentityMap.class))
                        .hasViolation())
                .isTrue();
        assertThat(NO_THREADS_OF_ITS_OWN.evaluate(fixture(StartsAThread.class)).hasViolation())
                .isTrue();
        assertThat(NO_FRAMEWORKS_OR_IO.evaluate(fixture(OpensASocket.class)).hasViolation())
                .isTrue();
        // A lookup-only identity table passes.
        JavaClasses lookup = fixture(LooksUpByIdentity.class);
        assertThat(NO_HASH_ORDER.evaluate(lookup).hasViolation()).isFalse();
        assertThat(IDENTITY_MAPS_ARE_NOT_ITERATED.evaluate(lookup).hasViolation())
                .isFalse();
        assertThat(IDENTITY_MAPS_ARE_TYPED_FIELDS.evaluate(lookup).hasViolation())
                .isFalse();
    }
}
