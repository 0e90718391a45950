package io.offsite.scheduler.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class MicrometerSchedulerObserverTest {

    @Test
    void everyCounterOfAConfiguredJobIsScrapedAtZeroBeforeItsFirstDecision() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerSchedulerObserver observer = new MicrometerSchedulerObserver(registry);
        observer.registerJob("backup-database");

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "offsite_scheduler_fires_total{job=\"backup-database\"} 0.0",
                "offsite_scheduler_retried_total{job=\"backup-database\"} 0.0",
                "offsite_scheduler_timed_out_total{job=\"backup-database\"} 0.0",
                "offsite_scheduler_missed_total{job=\"backup-database\"} 0.0",
                "offsite_scheduler_dispatched_total{job=\"backup-database\",trigger=\"SCHEDULE\"} 0.0",
                "offsite_scheduler_dispatched_total{job=\"backup-database\",trigger=\"RETRY\"} 0.0",
                "offsite_scheduler_skipped_total{job=\"backup-database\",reason=\"already-running\"} 0.0",
                "offsite_scheduler_skipped_total{job=\"backup-database\",reason=\"missed\"} 0.0");
    }

    @Test
    void decisionsCountFromZeroOnTheSameSeries() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerSchedulerObserver observer = new MicrometerSchedulerObserver(registry);
        observer.registerJob("backup-database");

        observer.fired("backup-database");
        observer.dispatched("backup-database", "SCHEDULE");
        observer.skipped("backup-database", "missed");
        observer.missed("backup-database", 3);

        String scrape = registry.scrape();
        assertThat(scrape).contains(
                "offsite_scheduler_fires_total{job=\"backup-database\"} 1.0",
                "offsite_scheduler_dispatched_total{job=\"backup-database\",trigger=\"SCHEDULE\"} 1.0",
                "offsite_scheduler_dispatched_total{job=\"backup-database\",trigger=\"MANUAL\"} 0.0",
                "offsite_scheduler_skipped_total{job=\"backup-database\",reason=\"missed\"} 1.0",
                "offsite_scheduler_missed_total{job=\"backup-database\"} 3.0");
        assertThat(registry.find("offsite.scheduler.fires").counters()).hasSize(1);
    }
}
