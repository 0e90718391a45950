package io.offsite.replication.run;

import io.offsite.replication.plan.BatchPlan;
import io.offsite.replication.plan.BatchProgress;
import io.offsite.replication.plan.TablePlan;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.postgres.Compare;
import io.offsite.replication.postgres.MissingRows;
import io.offsite.replication.postgres.PostgresCatalog;
import io.offsite.replication.postgres.PostgresCatalog.TargetTable;
import io.offsite.replication.postgres.TableWriter;
import io.offsite.replication.postgres.WatermarkStore;
import io.offsite.replication.postgres.WatermarkStore.Watermark;
import io.offsite.replication.run.TargetPreparation.PreparedTarget;
import io.offsite.replication.sqlite.ChangedRows;
import io.offsite.replication.sqlite.SqliteSnapshot;
import io.offsite.replication.sqlite.UnitReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Replicates the tables of one run one at a time, on the run's connections: makes the target ready, reads the rows
 * (all, or those changed since the stored watermark) on a reader thread while a writer sends them unit by unit,
 * propagates deletions when asked to, and queues the table's new watermark when no row failed.
 */
final class TableReplicator {

    /** What the run around the tables provides. */
    record RunContext(Connection pg, SqliteSnapshot sqlite, SourceSpec source, Mode mode, String runId, WatermarkStore watermarks,
                      FailureLog failures, ReplicationListener listener) {
    }

    private final RunContext run;
    private final EngineSettings settings;
    private final Clock clock;

    TableReplicator(RunContext run, EngineSettings settings, Clock clock) {
        this.run = run;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param existing the target table as the run's catalog read it; empty when it does not exist
     * @param index the table's place in the run (names its staging table)
     * @param mark the table's stored watermark, for incremental runs
     */
    TableReport replicate(TableSchema schema, Optional<TargetTable> existing, int index, Optional<Watermark> mark)
            throws SQLException, InterruptedException {
        Instant started = clock.instant();
        SourceSpec source = run.source();
        ReplicationListener listener = run.listener();
        String table = schema.name();
        String label = source.label(table);
        PreparedTarget prepared = TargetPreparation.prepare(run.pg(), schema, existing, source.targetSchema(), settings.touchColumn(),
                "offsite_stage_" + index, listener);
        TablePlan plan = prepared.plan();

        Optional<String> watermarkColumn = source.watermarkColumn().filter(c -> schema.column(c).isPresent());
        Optional<String> since = Optional.empty();
        if (run.mode() == Mode.INCREMENTAL && watermarkColumn.isPresent()) {
            since = mark.filter(w -> w.column().equals(watermarkColumn.get())).map(Watermark::value);
        }
        boolean incremental = since.isPresent();
        Optional<String> filter = incremental ? watermarkColumn : Optional.empty();
        Optional<ChangedRows> changes = incremental
                ? ChangedRows.read(run.sqlite(), plan, watermarkColumn.get(), mark.get().value(), mark.get().boundary()) : Optional.empty();
        SqliteSnapshot.Extent extent = changes.isPresent() ? changes.get().extent()
                : run.sqlite().extent(plan.sourceExtentSql(filter, watermarkColumn), since);
        Optional<String> newMark = extent.max();
        int unchangedAtMark = changes.map(ChangedRows::unchangedAtMark).orElse(0);
        long total = extent.rows() - unchangedAtMark;
        BatchPlan batches = new BatchPlan(total, settings.batchSize(), settings.unitBatches());
        String changed = incremental ? " changed since " + since.get() : "";
        boolean batchLines = batches.batches() > settings.detailedBatches();
        if (batchLines) {
            listener.info("Replicating {} {}{} in batches of {}...", total, label, changed, settings.batchSize());
        } else {
            listener.info("Replicating {} {}{}...", total, label, changed);
        }

        TableWriter writer = writer(plan, prepared, incremental);
        BatchProgress progress = new BatchProgress(batches.batches(), label, batchLines ? settings.detailedBatches() : 0,
                settings.progressInterval(), clock);
        UnitProgress unit = new UnitProgress(writer, progress, failure -> run.failures().add(table, label, failure), schema.primaryKey(),
                listener);
        unit.read = unit.synced = unchangedAtMark; // read, and as the target has them
        Optional<String> boundary;
        Optional<Map.Entry<String, String>> digestAt = watermarkColumn.flatMap(w -> newMark.map(m -> Map.entry(w, m)));
        try (UnitReader reader = changes.isPresent() ? UnitReader.of(changes.get().keys(), changes.get().lines(), batches)
                : new UnitReader(run.sqlite(), plan, filter, since, batches, digestAt).start()) {
            while (reader.nextUnit()) {
                unit.write(reader);
            }
            boundary = changes.isPresent() ? Optional.ofNullable(changes.get().boundary()) : reader.boundary();
        }

        long deleted = 0;
        if (source.propagateDeletes()) {
            listener.checkCancelled();
            deleted = MissingRows.delete(run.pg(), plan, sink -> run.sqlite().read(plan.sourceKeysSql(), Optional.empty(), sink::key));
            listener.info("  Deleted {} {} gone from SQLite", deleted, label);
        }
        if (watermarkColumn.isPresent()) {
            if (unit.failed == 0) {
                run.watermarks().write(source.name(), table, new Watermark(watermarkColumn.get(), newMark.orElse(null), boundary.orElse(null)),
                        unit.synced, run.runId());
            } else {
                listener.warn("Watermark of {} not advanced: {} failed rows are read again on the next run", table, unit.failed);
            }
        }
        Duration took = Duration.between(started, clock.instant());
        listener.info("  {}: {} synced, {} failed ({} new, {} updated, {} unchanged) in {}", ProgressText.capitalize(label), unit.synced,
                unit.failed, unit.inserted, unit.updated, unit.synced - unit.inserted - unit.updated, ProgressText.seconds(took));
        return new TableReport(table, label, incremental, unit.read, unit.synced, unit.failed, unit.inserted, unit.updated, deleted,
                plan.sourceOnlyColumns(), plan.targetOnlyColumns(), took);
    }

    /**
     * The table's writer: straight COPY into a target that was empty when the run began (and fills in the touch
     * column itself); a full run into a table holding rows looks at them first and sends only rows that differ: a small
     * table is read whole (one sequential read, while SQLite is read), a large one looked up unit by unit.
     */
    private TableWriter writer(TablePlan plan, PreparedTarget prepared, boolean incremental) throws SQLException {
        TargetTable target = prepared.target();
        // an incremental run follows a successful one: its target is not worth a look for the empty-table path
        boolean targetEmpty = prepared.created() || (!incremental && PostgresCatalog.isEmpty(run.pg(), plan.target()));
        boolean touchHasDefault = target.columns().get(settings.touchColumn()).hasDefault();
        boolean inMemory = target.bytes() >= 0 && target.bytes() <= settings.compareInMemoryBytes();
        Compare compare = targetEmpty || incremental ? Compare.NONE : inMemory ? Compare.IN_MEMORY : Compare.LOOK_UP;
        return new TableWriter(run.pg(), plan, target.baseTypes(), settings.batchSize(), targetEmpty && touchHasDefault,
                compare, 2 * settings.compareInMemoryBytes());
    }
}
