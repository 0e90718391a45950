package io.offsite.worker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * worker-core's shape: no package cycles; the auto-configuration ({@code config}) apart from what it configures (no
 * package uses it); the format, retention, job contract, runtime and process packages plain Java; the AWS SDK only
 * behind {@code storage}, Spring Kafka only in the {@code kafka} adapter.
 */
class PackageRulesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.offsite.worker");

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.offsite.worker.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void nothingDependsOnTheAutoConfiguration() {
        noClasses().that().resideOutsideOfPackage("io.offsite.worker.config..")
                .should().dependOnClassesThat().resideInAPackage("io.offsite.worker.config..")
                .check(CLASSES);
    }

    @Test
    void theCoreIsPlainJava() {
        noClasses().that().resideInAnyPackage("io.offsite.worker.artifact..", "io.offsite.worker.retention..",
                        "io.offsite.worker.format..", "io.offsite.worker.integrity..", "io.offsite.worker.job..",
                        "io.offsite.worker.runtime..", "io.offsite.worker.process..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "software.amazon..", "java.sql..")
                .check(CLASSES);
    }

    @Test
    void theAwsSdkStaysBehindTheObjectStore() {
        noClasses().that().resideOutsideOfPackage("io.offsite.worker.storage..")
                .should().dependOnClassesThat().resideInAnyPackage("software.amazon..")
                .check(CLASSES);
    }
}
