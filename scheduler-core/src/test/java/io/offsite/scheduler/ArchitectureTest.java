package io.offsite.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The scheduling core stays plain Java: no Spring, Kafka client, Avro or event types, no AWS SDK or JDBC, no servlet
 * types, no reading of the system clock, and no cycles between its packages.
 */
class ArchitectureTest {

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.offsite.scheduler");

    @Test
    void importsNoFrameworkNorEventTypes() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "org.apache.kafka..", "org.apache.avro..", "io.offsite.events..",
                        "software.amazon..", "java.sql..", "jakarta..")
                .because("the core is plain Java; the scheduler service adapts it to Spring, Kafka and Avro")
                .check(CORE);
    }

    @Test
    void readsNoSystemClock() {
        noClasses().should().callMethod(Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(Clock.class, "systemUTC")
                .orShould().callMethod(Clock.class, "systemDefaultZone")
                .because("time comes from an injected Clock or the caller's instant")
                .check(CORE);
    }

    @Test
    void hasNoPackageCycles() {
        slices().matching("io.offsite.scheduler.(*)..").should().beFreeOfCycles().check(CORE);
    }
}
