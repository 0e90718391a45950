package io.offsite.replication.job;

import io.offsite.events.Topics.JobType;
import io.offsite.replication.config.ReplicationProperties;
import io.offsite.replication.config.ReplicationProperties.Source;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.run.Mode;
import io.offsite.replication.run.ReplicationListener;
import io.offsite.replication.run.ReplicationReport;
import io.offsite.replication.run.Replicator;
import io.offsite.replication.run.RowFailure;
import io.offsite.replication.run.TableReport;
import io.offsite.replication.sqlite.SqliteSources;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Runs REPLICATION requests: parameter {@code source} names a configured source, optional {@code mode} is
 * {@code full} or {@code incremental}. Converts the engine's report into the completion's status and stats.
 */
@Component
class ReplicationJobHandler implements JobHandler, DisposableBean {

    private final ReplicationProperties properties;
    private final ReplicationMetrics metrics;
    private final PostgresTarget target;
    private final SqliteSources sources;

    ReplicationJobHandler(ReplicationProperties properties, ReplicationMetrics metrics) {
        this.properties = properties;
        this.metrics = metrics;
        this.target = new PostgresTarget(properties.postgres().settings(), properties.keepIdle());
        this.sources = new SqliteSources(properties.keepIdle());
    }

    /** Closes the connections kept between runs. */
    @Override
    public void destroy() {
        target.close();
        sources.close();
    }

    @Override
    public JobType jobType() {
        return JobType.REPLICATION;
    }

    @Override
    public JobOutcome run(JobContext ctx) throws InterruptedException {
        String sourceName = ctx.requireParameter("source");
        Source source = properties.sources().get(sourceName);
        if (source == null) {
            throw new JobRejectedException("UNKNOWN_SOURCE", "unknown source '" + sourceName + "'; configured sources: "
                    + new TreeSet<>(properties.sources().keySet()));
        }
        Mode mode = ctx.parameter("mode").map(ReplicationJobHandler::mode).orElse(source.mode());
        Replicator replicator = new Replicator(target, sources, properties.engine(), ctx.clock());
        ReplicationReport report;
        try {
            report = replicator.replicate(source.spec(sourceName), mode, ctx.runId(), ctx.deadline(), listener(ctx));
        } catch (ReplicationException e) {
            throw new JobFailedException(e.kind().name(), e.getMessage(), e.kind().retryable());
        }
        metrics.record(ctx.jobName(), report);
        return outcome(report);
    }

    private static Mode mode(String value) {
        try {
            return Mode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new JobRejectedException("INVALID_PARAMETER", "parameter 'mode' " + e.getMessage().replaceFirst("^mode ", ""));
        }
    }

    static JobOutcome outcome(ReplicationReport report) {
        String tables = report.tables().stream().map(t -> t.table() + " " + t.replicated() + (t.failed() > 0 ? " (" + t.failed() + " failed)" : ""))
                .collect(Collectors.joining(", "));
        String took = String.format(Locale.ROOT, "%.1f s", report.took().toMillis() / 1000.0);
        JobOutcome outcome;
        if (report.complete()) {
            outcome = JobOutcome.succeeded("replicated " + tables + " in " + took);
        } else {
            outcome = JobOutcome.partiallyFailed(report.failed() + " rows failed; replicated " + tables + " in " + took + "; first failures: "
                    + report.firstFailures().stream().limit(3).map(RowFailure::toString).collect(Collectors.joining("; ")));
        }
        Map<String, Long> stats = new LinkedHashMap<>();
        stats.put("rows_replicated", report.replicated());
        stats.put("rows_failed", report.failed());
        stats.put("tables", (long) report.tables().size());
        stats.put("duration_ms", report.took().toMillis());
        for (TableReport t : report.tables()) {
            stats.put("rows_replicated." + t.table(), t.replicated());
            stats.put("rows_failed." + t.table(), t.failed());
            stats.put("rows_inserted." + t.table(), t.inserted());
            stats.put("rows_updated." + t.table(), t.updated());
            stats.put("rows_unchanged." + t.table(), t.unchanged());
            stats.put("rows_deleted." + t.table(), t.deleted());
            stats.put("incremental." + t.table(), t.incremental() ? 1L : 0L);
        }
        return outcome.withStats(stats);
    }

    private static ReplicationListener listener(JobContext ctx) {
        return new ReplicationListener() {
            @Override
            public void info(String format, Object... args) {
                ctx.info(format, args);
            }

            @Override
            public void warn(String format, Object... args) {
                ctx.warn(format, args);
            }

            @Override
            public void checkCancelled() throws InterruptedException {
                ctx.checkCancelled();
            }
        };
    }
}
