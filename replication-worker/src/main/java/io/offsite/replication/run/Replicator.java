package io.offsite.replication.engine;

import io.offsite.replication.engine.ReplicationException.Kind;
import io.offsite.replication.engine.WatermarkStore.Watermark;
import io.offsite.replication.plan.BatchPlan;
import io.offsite.replication.plan.BatchProgress;
import io.offsite.replication.plan.BoundaryDigest;
import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.TableOrder;
import io.offsite.replication.plan.TablePlan;
import io.offsite.replication.plan.TableSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
                Map<String, Watermark> marks = Map.of();
                if (source.watermarkColumn().isPresent()) {
                    Optional<PostgresCatalog.TargetTable> state = catalog.table(WatermarkStore.TABLE);
                    if (state.isEmpty()) {
                        watermarks.ensure();
                    } else {
                        if (!state.get().columns().containsKey(WatermarkStore.BOUNDARY_COLUMN)) {
                            watermarks.addBoundaryColumn();
                        }
                        if (mode == Mode.INCREMENTAL) {
                            marks = watermarks.readAll(source.name());
                        }
                    }
                }
                Failures failures = new Failures(settings.loggedFailures(), listener);
                List<TableReport> reports = new ArrayList<>();
                int index = 0;
                for (TableSchema table : ordered.tables()) {
                    listener.checkCancelled();
                    reports.add(replicateTable(pg, sqlite, table, catalog.table(table.name()), source, mode, runId, index++,
                            Optional.ofNullable(marks.get(table.name())), watermarks, failures, listener));
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

    private TableReport replicateTable(Connection pg, SqliteSnapshot sqlite, TableSchema schema, Optional<PostgresCatalog.TargetTable> existing,
                                       SourceSpec source, Mode mode, String runId, int index, Optional<Watermark> mark,
                                       WatermarkStore watermarks, Failures failures, ReplicationListener listener)
            throws SQLException, InterruptedException {
        Instant started = clock.instant();
        String table = schema.name();
        String label = source.label(table);
        String stage = "offsite_stage_" + index;
        TablePlan plan = new TablePlan(schema, source.targetSchema(), existing.map(PostgresCatalog.TargetTable::types).orElse(Map.of()),
                settings.touchColumn(), stage);
        boolean created = !plan.targetExists();
        boolean changedTarget = created || plan.needsTouchColumn();
        if (created) {
            execute(pg, plan.createTableSql());
            listener.info("Created table {} ({} columns, primary key {})", plan.target(), plan.columns().size() + 1, schema.primaryKey());
        } else if (!plan.missingKeyColumns().isEmpty()) {
            throw new ReplicationException(Kind.SCHEMA_MISMATCH, "target table " + plan.target() + " lacks the key column(s) "
                    + plan.missingKeyColumns() + " of the source table");
        } else if (plan.needsTouchColumn()) {
            execute(pg, plan.addTouchColumnSql());
            listener.info("Added column {} to {}", settings.touchColumn(), plan.target());
        }
        PostgresCatalog.TargetTable target = changedTarget
                ? PostgresCatalog.read(pg, source.targetSchema(), List.of(table)).table(table).orElseThrow() : existing.orElseThrow();
        TablePlan ready = changedTarget ? new TablePlan(schema, source.targetSchema(), target.types(), settings.touchColumn(), stage) : plan;
        if (!created && !target.hasUniqueKey(schema.primaryKey())) {
            throw new ReplicationException(Kind.SCHEMA_MISMATCH, "target table " + plan.target() + " has no primary key or unique index on "
                    + schema.primaryKey() + ", which the upsert needs");
        }
        if (!plan.sourceOnlyColumns().isEmpty()) {
            listener.warn("Columns {} of {} exist in SQLite only; they are not replicated (add them to {} to replicate them)",
                    plan.sourceOnlyColumns(), table, plan.target());
        }
        if (!plan.targetOnlyColumns().isEmpty()) {
            listener.warn("Columns {} of {} exist in PostgreSQL only; new rows get their defaults", plan.targetOnlyColumns(), plan.target());
        }

        Optional<String> watermarkColumn = source.watermarkColumn().filter(c -> schema.column(c).isPresent());
        plan = ready;
        Optional<String> since = Optional.empty();
        if (mode == Mode.INCREMENTAL && watermarkColumn.isPresent()) {
            since = mark.filter(w -> w.column().equals(watermarkColumn.get())).map(Watermark::value);
        }
        boolean incremental = since.isPresent();
        Optional<String> filter = incremental ? watermarkColumn : Optional.empty();
        Optional<Changes> changes = incremental ? changes(sqlite, plan, watermarkColumn.get(), mark.get()) : Optional.empty();
        SqliteSnapshot.Extent extent = changes.isPresent() ? changes.get().extent() : sqlite.extent(plan.sourceExtentSql(filter, watermarkColumn), since);
        Optional<String> newMark = extent.max();
        int unchangedAtMark = changes.map(Changes::unchangedAtMark).orElse(0);
        long total = extent.rows() - unchangedAtMark;
        BatchPlan batches = new BatchPlan(total, settings.batchSize(), settings.unitBatches());
        String changed = incremental ? " changed since " + since.get() : "";
        boolean batchLines = batches.batches() > settings.detailedBatches();
        if (batchLines) {
            listener.info("Replicating {} {}{} in batches of {}...", total, label, changed, settings.batchSize());
        } else {
            listener.info("Replicating {} {}{}...", total, label, changed);
        }

        // an incremental run follows a successful one: its target is not worth a look for the empty-table path
        boolean targetEmpty = created || (!incremental && PostgresCatalog.isEmpty(pg, plan.target()));
        boolean touchHasDefault = target.columns().get(settings.touchColumn()).hasDefault();
        // a full run into a table holding rows looks at them first and sends only rows that differ: a small table is read
        // whole (one sequential read, while SQLite is read), a large one looked up unit by unit
        boolean inMemory = target.bytes() >= 0 && target.bytes() <= settings.compareInMemoryBytes();
        TableWriter.Compare compare = targetEmpty || incremental ? TableWriter.Compare.NONE
                : inMemory ? TableWriter.Compare.IN_MEMORY : TableWriter.Compare.LOOK_UP;
        TableWriter writer = new TableWriter(pg, plan, target.baseTypes(), settings.batchSize(), targetEmpty && touchHasDefault,
                compare, 2 * settings.compareInMemoryBytes());
        BatchProgress progress = new BatchProgress(batches.batches(), label, batchLines ? settings.detailedBatches() : 0,
                settings.progressInterval(), clock);
        Unit unit = new Unit(writer, progress, failure -> failures.add(table, label, failure), schema.primaryKey(), listener);
        unit.read = unit.synced = unchangedAtMark; // read, and as the target has them
        Optional<String> boundary;
        Optional<Map.Entry<String, String>> digestAt = watermarkColumn.flatMap(w -> newMark.map(m -> Map.entry(w, m)));
        try (UnitReader reader = changes.isPresent() ? UnitReader.of(changes.get().keys(), changes.get().lines(), batches)
                : new UnitReader(sqlite, plan, filter, since, batches, digestAt).start()) {
            while (reader.nextUnit()) {
                unit.write(reader);
            }
            boundary = changes.isPresent() ? Optional.ofNullable(changes.get().boundary()) : reader.boundary();
        }

        long deleted = 0;
        if (source.propagateDeletes()) {
            listener.checkCancelled();
            deleted = writer.deleteMissing(sink -> sqlite.read(ready.sourceKeysSql(), Optional.empty(), sink));
            listener.info("  Deleted {} {} gone from SQLite", deleted, label);
        }
        if (watermarkColumn.isPresent()) {
            if (unit.failed == 0) {
                watermarks.write(source.name(), table, new Watermark(watermarkColumn.get(), newMark.orElse(null), boundary.orElse(null)),
                        unit.synced, runId);
            } else {
                listener.warn("Watermark of {} not advanced: {} failed rows are read again on the next run", table, unit.failed);
            }
        }
        Duration took = Duration.between(started, clock.instant());
        listener.info("  {}: {} synced, {} failed ({} new, {} updated, {} unchanged) in {}", capitalize(label), unit.synced, unit.failed,
                unit.inserted, unit.updated, unit.synced - unit.inserted - unit.updated, seconds(took));
        return new TableReport(table, label, incremental, unit.read, unit.synced, unit.failed, unit.inserted, unit.updated, deleted,
                plan.sourceOnlyColumns(), plan.targetOnlyColumns(), took);
    }

    /**
     * Rows an incremental run read in its one scan: the keys and COPY lines of those to send, how many were read and
     * the highest watermark, how many rows at the old watermark were left out because they are as last sent, and the
     * digest of the rows at the new watermark.
     */
    private record Changes(List<Object[]> keys, List<byte[]> lines, SqliteSnapshot.Extent extent, int unchangedAtMark, String boundary) {
    }

    /** Incremental runs with up to this many changed rows read them in one scan (see {@link TablePlan#sourceChangesSql}). */
    static final int ONE_SCAN_ROWS = 10_000;

    /**
     * The changed rows of an incremental run, read with their count and highest watermark in one scan, when there are
     * some and no more than {@value #ONE_SCAN_ROWS}; empty otherwise (the run then counts them first and streams them).
     * The rows at the old watermark were sent last time; they are left out when their digest says they are unchanged.
     */
    private static Optional<Changes> changes(SqliteSnapshot sqlite, TablePlan plan, String watermarkColumn, Watermark since)
            throws SQLException, InterruptedException {
        int width = plan.columns().size();
        int keyColumns = plan.keyColumns().size();
        boolean[] text = java.util.Arrays.copyOf(plan.textColumns(), width + 3);
        List<Object[]> keys = new ArrayList<>();
        List<byte[]> lines = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        Object[] highest = new Object[1];
        sqlite.read(plan.sourceChangesSql(watermarkColumn, ONE_SCAN_ROWS + 1), Optional.of(since.value()), text, values -> {
            keys.add(java.util.Arrays.copyOf(values, keyColumns));
            lines.add(CopyText.row(values, width));
            marks.add(values[width] == null ? null : values[width].toString());
            highest[0] = values[width + 2];
        });
        if (lines.isEmpty() || lines.size() > ONE_SCAN_ROWS) {
            return Optional.empty();
        }
        Optional<String> max = Optional.ofNullable(highest[0]).map(Object::toString);
        BoundaryDigest atOld = new BoundaryDigest();
        BoundaryDigest atNew = new BoundaryDigest();
        for (int i = 0; i < lines.size(); i++) {
            if (since.value().equals(marks.get(i))) {
                atOld.add(lines.get(i));
            }
            if (max.isPresent() && max.get().equals(marks.get(i))) {
                atNew.add(lines.get(i));
            }
        }
        int read = lines.size();
        int unchanged = 0;
        if (since.boundary() != null && since.boundary().equals(atOld.value())) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (since.value().equals(marks.get(i))) {
                    keys.remove(i);
                    lines.remove(i);
                    unchanged++;
                }
            }
        }
        return Optional.of(new Changes(keys, lines, new SqliteSnapshot.Extent(read, max), unchanged, max.isPresent() ? atNew.value() : null));
    }

    /** Gathers rows into units, writes them and feeds the batch progress. */
    private static final class Unit {
        private final TableWriter writer;
        private final BatchProgress progress;
        private final TableWriter.FailureSink failureSink;
        private final ReplicationListener listener;
        private long nextBatch = 1;
        long read;
        long synced;
        long failed;
        long inserted;
        long updated;

        Unit(TableWriter writer, BatchProgress progress, java.util.function.Consumer<RowFailure> failures,
             List<String> keyColumns, ReplicationListener listener) {
            this.writer = writer;
            this.progress = progress;
            this.listener = listener;
            this.failureSink = (row, reason) -> failures.accept(new RowFailure(null, CopyText.describeKey(keyColumns, row), reason));
        }

        void write(UnitReader reader) throws SQLException, InterruptedException {
            listener.checkCancelled();
            TableWriter.UnitResult result = writer.write(reader::nextChunk, failureSink);
            read += result.rows();
            for (int b = 0; b < result.syncedPerBatch().length; b++) {
                synced += result.syncedPerBatch()[b];
                failed += result.failedPerBatch()[b];
                for (String line : progress.batchDone(nextBatch++, result.syncedPerBatch()[b], result.failedPerBatch()[b])) {
                    listener.info(line);
                }
            }
            inserted += result.inserted();
            updated += result.updated();
        }
    }

    /** Counts refused rows and keeps (and logs) the first ones. */
    private static final class Failures {
        private final int keep;
        private final ReplicationListener listener;
        private final List<RowFailure> first = new ArrayList<>();
        private long count;

        Failures(int keep, ReplicationListener listener) {
            this.keep = keep;
            this.listener = listener;
        }

        void add(String table, String label, RowFailure failure) {
            count++;
            if (first.size() < keep) {
                RowFailure named = new RowFailure(table, failure.key(), failure.reason());
                first.add(named);
                listener.warn("  Failed {} {} {}: {}", label, table, named.key(), named.reason());
            } else if (first.size() == keep && count == keep + 1L) {
                listener.warn("  ... further failed rows are counted, not logged");
            }
        }

        List<RowFailure> first() {
            return first;
        }
    }

    private void summarize(ReplicationReport report, SourceSpec source, ReplicationListener listener) {
        listener.info(report.complete() ? "Replication complete:" : "Replication finished with {} failed rows:", report.failed());
        for (TableReport t : report.tables()) {
            if (t.failed() == 0) {
                listener.info("  {}: {} synced", capitalize(t.label()), t.replicated());
            } else {
                listener.info("  {}: {} synced, {} failed", capitalize(t.label()), t.replicated(), t.failed());
            }
        }
    }

    private static void execute(Connection pg, String sql) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute(sql);
        }
    }

    private static String capitalize(String label) {
        return label.isEmpty() ? label : label.substring(0, 1).toUpperCase(Locale.ROOT) + label.substring(1);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
}
