package io.offsite.rotation;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The rotation worker's packages form no cycle. */
class PackageCyclesTest {

    @Test
    void packagesFormNoCycle() {
        slices().matching("io.offsite.rotation.(*)..").should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.offsite.rotation"));
    }
}
