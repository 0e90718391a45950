package io.offsite.replication;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The worker's shape: packages by concept without cycles, a pure planning core, plain-Java SQLite and PostgreSQL sides
 * that know nothing of each other (the run joins them), and Spring and Kafka only at the edges (job, config, the
 * application class).
 */
@AnalyzeClasses(packages = "io.offsite.replication", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String JDBC = "java.sql..";
    private static final String SPRING = "org.springframework..";
    /** Kafka's client, Spring's, and the worker core's Kafka adapters. */
    private static final String[] KAFKA = {"org.apache.kafka..", "org.springframework.kafka..", "io.offsite.worker.kafka.."};

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.offsite.replication.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule planIsPure = noClasses().that().resideInAPackage("io.offsite.replication.plan..")
            .should().dependOnClassesThat().resideInAnyPackage(JDBC, "javax.sql..", "org.postgresql..", "org.sqlite..")
            .orShould().dependOnClassesThat().resideInAnyPackage(SPRING)
            .orShould().dependOnClassesThat().resideInAnyPackage(KAFKA)
            .as("plan uses no JDBC, no Spring and no Kafka");

    @ArchTest
    static final ArchRule planDependsOnNoOtherPackage = noClasses().that().resideInAPackage("io.offsite.replication.plan..")
            .should().dependOnClassesThat().resideInAnyPackage("io.offsite.replication.sqlite..", "io.offsite.replication.postgres..",
                    "io.offsite.replication.run..", "io.offsite.replication.job..", "io.offsite.replication.config..")
            .as("plan depends on no other package of the worker");

    @ArchTest
    static final ArchRule sidesUseNoSpringOrKafka = noClasses().that()
            .resideInAnyPackage("io.offsite.replication.sqlite..", "io.offsite.replication.postgres..")
            .should().dependOnClassesThat().resideInAnyPackage(SPRING)
            .orShould().dependOnClassesThat().resideInAnyPackage(KAFKA)
            .as("sqlite and postgres use no Spring and no Kafka");

    @ArchTest
    static final ArchRule sqliteKnowsNothingOfPostgresOrTheRun = noClasses().that().resideInAPackage("io.offsite.replication.sqlite..")
            .should().dependOnClassesThat().resideInAnyPackage("io.offsite.replication.postgres..", "io.offsite.replication.run..",
                    "io.offsite.replication.job..", "io.offsite.replication.config..")
            .as("sqlite depends on neither postgres nor the run");

    @ArchTest
    static final ArchRule postgresKnowsNothingOfSqliteOrTheRun = noClasses().that().resideInAPackage("io.offsite.replication.postgres..")
            .should().dependOnClassesThat().resideInAnyPackage("io.offsite.replication.sqlite..", "io.offsite.replication.run..",
                    "io.offsite.replication.job..", "io.offsite.replication.config..")
            .as("postgres depends on neither sqlite nor the run");

    @ArchTest
    static final ArchRule onlyTheEdgesUseSpring = noClasses().that()
            .resideOutsideOfPackages("io.offsite.replication.job..", "io.offsite.replication.config..")
            .and().doNotBelongToAnyOf(ReplicationWorkerApplication.class)
            .should().dependOnClassesThat().resideInAnyPackage(SPRING)
            .as("only job, config and the application class use Spring");

    @ArchTest
    static final ArchRule onlyTheJobUsesKafkaOrTheJobRuntime = noClasses().that()
            .resideOutsideOfPackages("io.offsite.replication.job..", "io.offsite.replication.config..")
            .and().doNotBelongToAnyOf(ReplicationWorkerApplication.class)
            .should().dependOnClassesThat().resideInAnyPackage(KAFKA)
            .orShould().dependOnClassesThat().resideInAnyPackage("io.offsite.worker.job..", "io.offsite.worker.runtime..", "io.offsite.events..")
            .as("only job and config use Kafka, the worker's job runtime and the events");
}
