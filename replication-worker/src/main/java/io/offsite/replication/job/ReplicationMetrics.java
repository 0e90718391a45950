package io.offsite.replication.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.offsite.replication.run.ReplicationReport;
import io.offsite.replication.run.TableReport;
import org.springframework.stereotype.Component;

/**
 * Per-table counters: {@code rows_replicated} and {@code rows_failed} tagged {@code table} and {@code source} (the
 * original's {@code sets_replicated} is {@code rows_replicated{table="sets"}}), plus durations per table and per run.
 */
@Component
class ReplicationMetrics {

    private final MeterRegistry registry;

    ReplicationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(String job, ReplicationReport report) {
        for (TableReport table : report.tables()) {
            String[] tags = {"job", job, "source", report.source(), "table", table.table()};
            Counter.builder("rows_replicated").description("Rows that landed in PostgreSQL (inserted, updated or already equal)")
                    .tags(tags).register(registry).increment(table.replicated());
            Counter.builder("rows_failed").description("Rows PostgreSQL refused").tags(tags).register(registry).increment(table.failed());
            Counter.builder("rows_inserted").description("New rows").tags(tags).register(registry).increment(table.inserted());
            Counter.builder("rows_updated").description("Changed rows rewritten").tags(tags).register(registry).increment(table.updated());
            Counter.builder("rows_deleted").description("Rows deleted because they are gone from SQLite").tags(tags).register(registry)
                    .increment(table.deleted());
            Timer.builder("replication_table_duration").description("Time spent on one table").tags(tags).register(registry).record(table.took());
        }
        Timer.builder("replication_duration").description("Duration of finished replications")
                .tags("job", job, "source", report.source(), "complete", Boolean.toString(report.complete()))
                .register(registry).record(report.took());
    }
}
