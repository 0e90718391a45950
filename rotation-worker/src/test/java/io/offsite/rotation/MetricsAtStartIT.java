package io.offsite.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.v1.JobStatus;
import io.offsite.rotation.support.WorkerInfrastructure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A fresh rotation worker shows its meters at 0 for each configured series and accepted job before any request. */
@SpringBootTest(classes = RotationWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=rotation-worker", "offsite.worker.expected-jobs=rotate-backups"})
@DirtiesContext
class MetricsAtStartIT {

    static final List<String> SERIES = List.of("pokemon-data", "shop");

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        WorkerInfrastructure.register(registry, "rotation-metrics-at-start");
        registry.add("offsite.rotation.series[0].name", () -> "pokemon-data");
        registry.add("offsite.rotation.series[0].prefix", () -> "backup-database/");
        registry.add("offsite.rotation.series[0].keep-daily", () -> "7");
        registry.add("offsite.rotation.series[1].name", () -> "shop");
        registry.add("offsite.rotation.series[1].prefix", () -> "shop/");
        registry.add("offsite.rotation.series[1].keep-last", () -> "2");
    }

    @Test
    void everyMeterOfEverySeriesAndAcceptedJobIsThereAtZeroBeforeAnyRequest() {
        for (String series : SERIES) {
            for (String gauge : List.of("total_backups", "backups_retained", "space_freed_bytes", "rotation_future_dated_backups")) {
                assertThat(meters.get(gauge).tag("series", series).gauge().value()).as(gauge).isZero();
            }
            assertThat(meters.get("backups_deleted").tag("series", series).counter().count()).isZero();
        }
        for (JobStatus status : JobStatus.values()) {
            assertThat(meters.get("offsite_jobs_completed").tags("job", "rotate-backups", "status", status.name()).counter().count()).isZero();
            assertThat(meters.get("offsite_job_duration").tags("job", "rotate-backups", "status", status.name()).timer().count()).isZero();
        }
        assertThat(meters.find("total_backups").gauges()).hasSize(SERIES.size());
    }
}
