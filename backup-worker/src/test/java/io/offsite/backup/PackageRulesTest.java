package io.offsite.backup;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The backup worker's packages form no cycle; reading a backup back knows nothing of the catalog or the restore; the
 * packages that do the work are plain Java (Spring, Kafka and the AWS SDK stay in the job, verify and config adapters
 * and in worker-core), and the streams know no database.
 */
class PackageRulesTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.offsite.backup");

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.offsite.backup.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void readbackCatalogRestoreAndVerifyAreLayered() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("verify").definedBy("io.offsite.backup.verify..")
                .layer("restore").definedBy("io.offsite.backup.restore..")
                .layer("catalog").definedBy("io.offsite.backup.catalog..")
                .layer("readback").definedBy("io.offsite.backup.readback..")
                .whereLayer("verify").mayNotBeAccessedByAnyLayer()
                .whereLayer("restore").mayNotBeAccessedByAnyLayer()
                .whereLayer("catalog").mayOnlyBeAccessedByLayers("restore", "verify")
                .whereLayer("readback").mayOnlyBeAccessedByLayers("catalog", "restore", "verify")
                .check(CLASSES);
    }

    @Test
    void theWorkIsPlainJava() {
        noClasses().that().resideInAnyPackage("io.offsite.backup.catalog..", "io.offsite.backup.compress..",
                        "io.offsite.backup.pipeline..", "io.offsite.backup.readback..", "io.offsite.backup.restore..",
                        "io.offsite.backup.source..", "io.offsite.backup.temp..")
                .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "org.apache.kafka..",
                        "software.amazon..", "io.offsite.events..")
                .as("catalog, compress, pipeline, readback, restore, source and temp use no Spring, Kafka, AWS SDK or event types")
                .check(CLASSES);
    }

    @Test
    void theStreamsKnowNoDatabase() {
        noClasses().that().resideInAnyPackage("io.offsite.backup.compress..", "io.offsite.backup.pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..")
                .check(CLASSES);
    }
}
