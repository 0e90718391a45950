package io.offsite.backup;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.backup.support.WorkerInfrastructure;
import io.offsite.events.v1.JobStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A fresh backup worker shows every per-job meter at 0 for each accepted job and configured source before it has seen
 * a request: Prometheus sees the first verification failure as an increase, and dashboards have series from the start.
 */
@SpringBootTest(classes = BackupWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=backup-worker", "offsite.worker.accepted-jobs=backup-database,verify-backups"})
@DirtiesContext
class MetricsAtStartIT {

    static final List<String> JOBS = List.of("backup-database", "verify-backups");
    /** Source → series: the configured pokemon-data and a second one. */
    static final Map<String, String> SOURCES = Map.of("pokemon-data", "backup-database", "shop", "shop-backups");

    @TempDir
    static Path dir;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, dir);
        registry.add("offsite.worker.group-id", () -> "backup-metrics-at-start");
        WorkerInfrastructure.sqliteSource(registry, "shop", dir.resolve("shop.db"), "shop-backups", "shop");
    }

    @Test
    void everyMeterOfEveryAcceptedJobAndSourceIsThereAtZeroBeforeAnyRequest() {
        for (String job : JOBS) {
            for (JobStatus status : JobStatus.values()) {
                assertThat(meters.get("offsite_jobs_completed").tags("job", job, "status", status.name()).counter().count()).isZero();
                assertThat(meters.get("offsite_job_duration").tags("job", job, "status", status.name()).timer().count()).isZero();
            }
            SOURCES.forEach((source, series) -> {
                assertThat(meters.get("backup_created_count").tags("job", job, "source", source).counter().count()).isZero();
                assertThat(meters.get("backup_duration").tags("job", job, "source", source).timer().count()).isZero();
                assertThat(meters.get("backup_size_bytes").tags("job", job, "source", source).gauge().value()).isZero();
                assertThat(meters.get("backup_source_size_bytes").tags("job", job, "source", source).gauge().value()).isZero();
                assertThat(meters.get("backup_verified").tags("job", job, "series", series, "source", source).counter().count()).isZero();
                assertThat(meters.get("backup_verification_failed").tags("job", job, "series", series, "source", source).counter().count())
                        .isZero();
            });
        }
        // one series per job and source (the backup job and the verification count under the same tags), nothing else
        assertThat(meters.find("backup_verification_failed").counters()).hasSize(JOBS.size() * SOURCES.size());
        assertThat(meters.getMeters()).extracting(Meter::getId).filteredOn(id -> id.getTag("job") != null)
                .allSatisfy(id -> assertThat(id.getTag("job")).isIn(JOBS));
    }
}
