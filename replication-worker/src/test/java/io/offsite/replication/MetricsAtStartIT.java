package io.offsite.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.replication.support.WorkerInfrastructure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A fresh replication worker shows its meters at 0 for each accepted job, configured source and configured table
 * before any request; a source that replicates every table of its file names none up front.
 */
@SpringBootTest(classes = ReplicationWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=replication-worker", "offsite.worker.accepted-jobs=replicate-to-primary"})
@DirtiesContext
class MetricsAtStartIT {

    static final String JOB = "replicate-to-primary";
    /** The configured tables of pokemon-data (replication-worker.yml). */
    static final List<String> TABLES = List.of("sets", "pokemon_cards");

    @TempDir
    static Path dir;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, "replication-metrics-at-start", LocalStack.postgres());
        registry.add("offsite.replication.sources.pokemon-data.path", () -> dir.resolve("pokemon-data.sqlite3.db").toString());
        registry.add("offsite.replication.sources.everything.path", () -> dir.resolve("everything.db").toString());
    }

    @Test
    void everyMeterOfEveryAcceptedJobSourceAndTableIsThereAtZeroBeforeAnyRequest() {
        for (String table : TABLES) {
            for (String counter : List.of("rows_replicated", "rows_failed", "rows_inserted", "rows_updated", "rows_deleted")) {
                assertThat(meters.get(counter).tags("job", JOB, "source", "pokemon-data", "table", table).counter().count()).as(counter).isZero();
            }
            assertThat(meters.get("replication_table_duration").tags("job", JOB, "source", "pokemon-data", "table", table).timer().count())
                    .isZero();
        }
        for (String source : List.of("pokemon-data", "everything")) {
            for (String complete : List.of("true", "false")) {
                assertThat(meters.get("replication_duration").tags("job", JOB, "source", source, "complete", complete).timer().count()).isZero();
            }
        }
        for (JobStatus status : JobStatus.values()) {
            assertThat(meters.get("offsite_jobs_completed").tags("job", JOB, "status", status.name()).counter().count()).isZero();
        }
        assertThat(meters.find("rows_replicated").counters()).extracting(c -> c.getId().getTag("table"))
                .containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(meters.getMeters()).extracting(Meter::getId).filteredOn(id -> id.getTag("job") != null)
                .allSatisfy(id -> assertThat(id.getTag("job")).isEqualTo(JOB));
    }
}
