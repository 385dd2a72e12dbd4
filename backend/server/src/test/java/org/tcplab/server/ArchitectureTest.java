package org.tcplab.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noFields;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.springframework.stereotype.Controller;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.RestController;

/**
 * The server's package rules (docs/architecture.md), on its compiled classes: features have no
 * package cycles, controllers are the outermost layer (nothing depends on them, services never do),
 * the pages ({@code web}) are above the features, and no field is typed {@code Object} to hide a
 * dependency. backend/tap's classes (on this classpath) know no Spring.
 */
class ArchitectureTest {

    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.tcplab.server");

    private static final JavaClasses TAP = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.tcplab.tap");

    /**
     * No cycles between the feature packages, except one known: the lab publishes to its viewers'
     * window ({@code lab -> stream.LabStream}) while the stream's handlers look labs up. Listed by
     * type, so no other dependency can join it.
     */
    static final ArchRule NO_CYCLES = slices().matching("org.tcplab.server.(*)..")
            .should()
            .beFreeOfCycles()
            .ignoreDependency(resideInAPackage("org.tcplab.server.lab.."), name("org.tcplab.server.stream.LabStream"));

    static final ArchRule NOTHING_DEPENDS_ON_CONTROLLERS = noClasses()
            .that()
            .areNotAnnotatedWith(RestController.class)
            .and()
            .areNotAnnotatedWith(Controller.class)
            .should()
            .dependOnClassesThat()
            .areAnnotatedWith(RestController.class)
            .orShould()
            .dependOnClassesThat()
            .areAnnotatedWith(Controller.class)
            .because("controllers are thin: the rules they call live in services");

    static final ArchRule SERVICES_KNOW_NO_HTTP = noClasses()
            .that()
            .areAnnotatedWith(Service.class)
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.web..", "org.springframework.http..")
            .because("a service is called by controllers, WebSocket handlers and timers alike");

    static final ArchRule PAGES_ARE_ON_TOP = noClasses()
            .that()
            .resideOutsideOfPackage("org.tcplab.server.web..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.tcplab.server.web..")
            .because("the pages use the features, never the other way");

    static final ArchRule NO_OBJECT_FIELDS = noFields()
            .that()
            .areDeclaredInClassesThat()
            .resideInAPackage("org.tcplab.server..")
            .and()
            .areNotStatic()
            .and()
            .doNotHaveName("logLock")
            .should()
            .haveRawType(Object.class)
            .because("an Object field hides a dependency the compiler should see (a lock is the exception)");

    static final ArchRule TAP_KNOWS_NO_SPRING = noClasses()
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework..", "reactor..")
            .because("backend/tap is plain Java, driven by the server through the LabWorld seam");

    @Test
    void theFeaturePackagesHaveNoCycles() {
        assertThat(SERVER.size()).as("the rules saw the server").isGreaterThan(50);
        NO_CYCLES.check(SERVER);
    }

    @Test
    void controllersAreTheOutermostLayer() {
        NOTHING_DEPENDS_ON_CONTROLLERS.check(SERVER);
        SERVICES_KNOW_NO_HTTP.check(SERVER);
        PAGES_ARE_ON_TOP.check(SERVER);
    }

    @Test
    void noFieldHidesItsType() {
        NO_OBJECT_FIELDS.check(SERVER);
    }

    @Test
    void theTapModuleKnowsNoSpring() {
        assertThat(TAP.size()).as("the rules saw backend/tap").isGreaterThan(10);
        TAP_KNOWS_NO_SPRING.check(TAP);
    }

    // ---- the rules catch what they look for ----

    @RestController
    static final class SomeController {}

    @Service
    static final class CallsAController {
        SomeController controller;
    }

    @Service
    static final class AnswersHttp {
        org.springframework.http.ResponseEntity<String> answer() {
            return null;
        }
    }

    static final class HidesAType {
        Object scenario;
    }

    @Test
    void theRulesCatchWhatTheyLookFor() {
        JavaClasses fixtures = new ClassFileImporter()
                .importClasses(SomeController.class, CallsAController.class, AnswersHttp.class, HidesAType.class);
        assertThat(NOTHING_DEPENDS_ON_CONTROLLERS.evaluate(fixtures).hasViolation())
                .isTrue();
        assertThat(SERVICES_KNOW_NO_HTTP.evaluate(fixtures).hasViolation()).isTrue();
        assertThat(NO_OBJECT_FIELDS.evaluate(fixtures).hasViolation()).isTrue();
    }
}
