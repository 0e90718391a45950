package io.offsite.backup;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The backup worker's packages form no cycle, and reading a backup back knows nothing of the catalog or the restore. */
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
}
