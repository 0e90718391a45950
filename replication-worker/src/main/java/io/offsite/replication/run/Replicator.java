package io.offsite.replication.run;

import io.offsite.replication.connection.IdleConnections;
import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import io.offsite.replication.plan.TableOrder;
import io.offsite.replication.plan.TableSchema;
import io.offsite.replication.postgres.CancelOnInterrupt;
import io.offsite.replication.postgres.PostgresCatalog;
import io.offsite.replication.postgres.PostgresErrors;
import io.offsite.replication.postgres.PostgresTarget;
import io.offsite.replication.postgres.WatermarkStore;
import io.offsite.replication.postgres.WatermarkStore.Watermark;
import io.offsite.replication.sqlite.SqliteSnapshot;
import io.offsite.replication.sqlite.SqliteSources;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replicates the tables of one SQLite source into PostgreSQL: reads every table inside one SQLite read transaction,
 * parents first, and writes everything (rows, deletions, watermarks) in one PostgreSQL transaction that commits at
 * the end. Rows PostgreSQL refuses are counted and reported; the rest land.
 */
public final class Replicator {

    private final PostgresTarget target;
    private final SqliteSources sources;
    private final EngineSettings settings;
    private final Clock clock;

    /** A replicator that opens its SQLite sources anew for every run. */
    public Replicator(PostgresTarget target, EngineSettings settings, Clock clock) {
        this(target, SqliteSources.unkept(), settings, clock);
    }

    public Replicator(PostgresTarget target, SqliteSources sources, EngineSettings settings, Clock clock) {
        this.target = target;
        this.sources = sources;
        this.settings = settings;
        this.clock = clock;
    }

    public ReplicationReport replicate(SourceSpec source, Mode mode, String runId, ReplicationListener listener)
            throws InterruptedException {
        return replicate(source, mode, runId, Optional.empty(), listener);
    }

    /**
     * Replicates {@code source} for a run that must end by {@code deadline} (empty: none): PostgreSQL's statement and
     * lock timeouts never reach past it, and an interrupt of the calling thread (the deadline, a shutdown) cancels the
     * statement PostgreSQL is running, so the run ends with {@link InterruptedException}, its transaction rolled back
     * and its connection closed.
     */
    public ReplicationReport replicate(SourceSpec source, Mode mode, String runId, Optional<Instant> deadline, ReplicationListener listener)
            throws InterruptedException {
        Instant started = clock.instant();
        listener.info("Starting replication to PostgreSQL");
        Connection pg = target.connect(deadline.map(d -> Duration.between(started, d)));
        boolean committed = false;
        CancelOnInterrupt watch = CancelOnInterrupt.watch(pg);
        try {
            listener.info("Verifying PostgreSQL connectivity... OK");
            try (SqliteSnapshot sqlite = sources.open(source.path())) {
                List<TableSchema> tables = schemas(sqlite, source);
                TableOrder.Ordered ordered = TableOrder.parentsFirst(tables);
                if (!ordered.cyclic().isEmpty()) {
                    listener.warn("Tables {} reference each other in a cycle; replicating them in name order", ordered.cyclic());
                }
                List<String> names = new ArrayList<>(ordered.tables().stream().map(TableSchema::name).toList());
                names.add(WatermarkStore.TABLE);
                PostgresCatalog catalog = PostgresCatalog.read(pg, source.targetSchema(), names);
                WatermarkStore watermarks = new WatermarkStore(pg, source.targetSchema());
                Map<String, Watermark> marks = watermarks(watermarks, catalog, source, mode);
                FailureLog failures = new FailureLog(settings.loggedFailures(), listener);
                TableReplicator replicator = new TableReplicator(
                        new TableReplicator.RunContext(pg, sqlite, source, mode, runId, watermarks, failures, listener), settings, clock);
                List<TableReport> reports = new ArrayList<>();
                int index = 0;
                for (TableSchema table : ordered.tables()) {
                    listener.checkCancelled();
                    reports.add(replicator.replicate(table, catalog.table(table.name()), index++, Optional.ofNullable(marks.get(table.name()))));
                }
                watermarks.flush();
                pg.commit();
                committed = true;
                ReplicationReport report = new ReplicationReport(source.name(), reports, failures.first(),
                        Duration.between(started, clock.instant()));
                summarize(report, source, listener);
                return report;
            }
        } catch (SQLException e) {
            if (watch.fired() || Thread.currentThread().isInterrupted()) {
                throw stopped(e);
            }
            throw PostgresErrors.during(e, target.settings(), "replicating " + source.name());
        } catch (ReplicationException e) {
            if (watch.fired() || Thread.currentThread().isInterrupted()) {
                throw stopped(e);
            }
            throw e;
        } finally {
            watch.close();
            finish(pg, committed && !watch.fired());
        }
    }

    private static InterruptedException stopped(Exception cause) {
        InterruptedException stopped = new InterruptedException("replication stopped: " + cause.getMessage());
        stopped.initCause(cause);
        return stopped;
    }

    /**
     * A committed run's connection goes back to the target (which may keep it for the next run); any other is closed,
     * which ends (rolls back) whatever the run had written: a cancelled one is never kept.
     */
    private void finish(Connection pg, boolean keep) {
        if (keep) {
            target.release(pg);
        } else {
            IdleConnections.closeQuietly(pg);
        }
    }

    /**
     * The stored watermarks of an incremental run, by table (none for a full run); makes the state table ready for
     * the run's new ones when the source has a watermark column.
     */
    private static Map<String, Watermark> watermarks(WatermarkStore watermarks, PostgresCatalog catalog, SourceSpec source, Mode mode)
            throws SQLException {
        if (source.watermarkColumn().isEmpty()) {
            return Map.of();
        }
        Optional<PostgresCatalog.TargetTable> state = catalog.table(WatermarkStore.TABLE);
        if (state.isEmpty()) {
            watermarks.ensure();
            return Map.of();
        }
        if (!state.get().columns().containsKey(WatermarkStore.BOUNDARY_COLUMN)) {
            watermarks.addBoundaryColumn();
        }
        return mode == Mode.INCREMENTAL ? watermarks.readAll(source.name()) : Map.of();
    }

    private List<TableSchema> schemas(SqliteSnapshot sqlite, SourceSpec source) {
        List<String> names = source.tables().isEmpty() ? sqlite.tableNames() : source.tables();
        List<TableSchema> tables = new ArrayList<>();
        for (String name : names) {
            TableSchema schema = sqlite.schema(name).orElseThrow(() -> new ReplicationException(Kind.SCHEMA_MISMATCH,
                    "table '" + name + "' is configured for source '" + source.name() + "' but does not exist in " + sqlite.path()));
            if (!schema.hasPrimaryKey()) {
                throw new ReplicationException(Kind.SCHEMA_MISMATCH, "table '" + name + "' of " + sqlite.path()
                        + " has no primary key, so its rows cannot be upserted; leave it out of the source's table list");
            }
            tables.add(schema);
        }
        return tables;
    }

    private void summarize(ReplicationReport report, SourceSpec source, ReplicationListener listener) {
        listener.info(report.complete() ? "Replication complete:" : "Replication finished with {} failed rows:", report.failed());
        for (TableReport t : report.tables()) {
            if (t.failed() == 0) {
                listener.info("  {}: {} synced", ProgressText.capitalize(t.label()), t.replicated());
            } else {
                listener.info("  {}: {} synced, {} failed", ProgressText.capitalize(t.label()), t.replicated(), t.failed());
            }
        }
    }
}
