package io.offsite.replication.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.offsite.replication.config.ReplicationProperties;
import io.offsite.replication.run.ReplicationReport;
import io.offsite.replication.run.TableReport;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.runtime.JobNameTags;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Per-table counters: {@code rows_replicated} and {@code rows_failed} tagged {@code table} and {@code source} (the
 * original's {@code sets_replicated} is {@code rows_replicated{table="sets"}}), plus durations per table and per run.
 * Every meter exists from the start at 0 for each accepted job ({@code offsite.worker.accepted-jobs}), configured
 * source and configured table (a source replicating every table of its file names none up front); the {@code job}
 * tag is bounded by {@link JobNameTags}.
 */
@Component
class ReplicationMetrics {

    private final MeterRegistry registry;
    private final JobNameTags jobs;

    /** Metrics that know no job up front: each appears with its first run. */
    ReplicationMetrics(MeterRegistry registry) {
        this(registry, Map.of(), new JobNameTags(List.of(), new WorkerProperties.Limits(0, 0, 0, 0, 0, 0).metricJobNames()));
    }

    @Autowired
    ReplicationMetrics(MeterRegistry registry, ReplicationProperties properties, JobNameTags jobs) {
        this(registry, properties.sources(), jobs);
    }

    private ReplicationMetrics(MeterRegistry registry, Map<String, ReplicationProperties.Source> sources, JobNameTags jobs) {
        this.registry = registry;
        this.jobs = jobs;
        jobs.registerAtZero(new TreeMap<>(sources).entrySet(), (job, source) -> {
            for (String table : source.getValue().tables()) {
                Tags tags = Tags.of("job", job, "source", source.getKey(), "table", table);
                tableMeters(tags);
            }
            for (boolean complete : new boolean[] {true, false}) {
                runDuration(job, source.getKey(), complete);
            }
        });
    }

    void record(String job, ReplicationReport report) {
        String tag = jobs.of(job);
        for (TableReport table : report.tables()) {
            TableMeters meters = tableMeters(Tags.of("job", tag, "source", report.source(), "table", table.table()));
            meters.replicated.increment(table.replicated());
            meters.failed.increment(table.failed());
            meters.inserted.increment(table.inserted());
            meters.updated.increment(table.updated());
            meters.deleted.increment(table.deleted());
            meters.took.record(table.took());
        }
        runDuration(tag, report.source(), report.complete()).record(report.took());
    }

    private record TableMeters(Counter replicated, Counter failed, Counter inserted, Counter updated, Counter deleted, Timer took) {
    }

    private TableMeters tableMeters(Tags tags) {
        return new TableMeters(
                Counter.builder("rows_replicated").description("Rows that landed in PostgreSQL (inserted, updated or already equal)")
                        .tags(tags).register(registry),
                Counter.builder("rows_failed").description("Rows PostgreSQL refused").tags(tags).register(registry),
                Counter.builder("rows_inserted").description("New rows").tags(tags).register(registry),
                Counter.builder("rows_updated").description("Changed rows rewritten").tags(tags).register(registry),
                Counter.builder("rows_deleted").description("Rows deleted because they are gone from SQLite").tags(tags).register(registry),
                Timer.builder("replication_table_duration").description("Time spent on one table").tags(tags).register(registry));
    }

    private Timer runDuration(String job, String source, boolean complete) {
        return Timer.builder("replication_duration").description("Duration of finished replications")
                .tags("job", job, "source", source, "complete", Boolean.toString(complete)).register(registry);
    }
}
