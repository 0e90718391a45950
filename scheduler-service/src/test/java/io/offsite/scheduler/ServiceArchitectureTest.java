package io.offsite.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The scheduler service's packages: no cycles between them, and its inventory (kept with the core's completions) as
 * plain as the core: no Spring, Kafka client or servlet types, no reading of the system clock. The scheduling core's
 * own rules are in scheduler-core.
 */
class ServiceArchitectureTest {

    /** This module's main classes only, not the core's nor the tests. */
    private static final String MAIN_CLASSES = Path.of("target/classes").toAbsolutePath() + "/";

    private static final JavaClasses SERVICE = new ClassFileImporter()
            .withImportOption(location -> {
                String path = location.asURI().getPath();
                return path != null && path.startsWith(MAIN_CLASSES);
            })
            .importPackages("io.offsite.scheduler");

    @Test
    void hasNoPackageCycles() {
        slices().matching("io.offsite.scheduler.(*)..").should().beFreeOfCycles().check(SERVICE);
    }

    @Test
    void theInventoryImportsNoFrameworkAndReadsNoClock() {
        noClasses().that().resideInAPackage("io.offsite.scheduler.inventory")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..", "jakarta..")
                .orShould().callMethod(Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Clock.class, "systemUTC")
                .check(SERVICE);
    }

    @Test
    void checksItsOwnClassesOnly() {
        assertThat(SERVICE.stream().map(JavaClass::getPackageName)).contains("io.offsite.scheduler.kafka",
                "io.offsite.scheduler.inventory").doesNotContain("io.offsite.scheduler.runs");
    }
}
