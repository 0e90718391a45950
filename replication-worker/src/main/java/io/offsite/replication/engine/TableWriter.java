package io.offsite.replication.engine;

import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.RowHash;
import io.offsite.replication.plan.TablePlan;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * Writes one table's rows into PostgreSQL a unit at a time: COPY into a temporary staging table, then one upsert
 * that inserts new rows, rewrites changed ones and leaves equal ones untouched. A unit that fails is retried batch by
 * batch and a batch that fails row by row, each under its own savepoint, so one bad row fails alone.
 *
 * <p>When the target was empty at the start, units are copied straight into it (the raw load path); the first unit
 * that fails switches the table back to the staged path. In full runs into a filled table, units come with row
 * fingerprints: PostgreSQL names the rows that are new or differ, and only those are staged.
 */
final class TableWriter {

    /** What a unit did, batch by batch. */
    record UnitResult(long[] syncedPerBatch, long[] failedPerBatch, long inserted, long updated) {
    }

    /** Called for each row PostgreSQL refused. */
    interface FailureSink {
        void failed(Object[] row, String reason);
    }

    private static final int COPY_CHUNK = 1 << 16;

    private final Connection pg;
    private final CopyManager copy;
    private final TablePlan plan;
    private final int batchSize;
    private final String upsertSql;
    private final String hashSql;
    private boolean direct;

    /**
     * @param direct copy straight into the target (it was empty when the run began)
     * @param hash the row fingerprint, when units come with fingerprints (full runs into a filled table)
     */
    TableWriter(Connection pg, TablePlan plan, int batchSize, boolean direct, java.util.Optional<RowHash> hash) throws SQLException {
        this.pg = pg;
        this.copy = pg.unwrap(PGConnection.class).getCopyAPI();
        this.plan = plan;
        this.batchSize = batchSize;
        this.upsertSql = plan.upsertSql();
        this.direct = direct;
        this.hashSql = hash.map(plan::differingRowsSql).orElse(null);
        try (Statement s = pg.createStatement()) {
            s.execute(plan.createStageSql());
            if (hashSql != null) {
                s.execute(plan.createHashStageSql());
            }
        }
    }

    boolean direct() {
        return direct;
    }

    UnitResult write(List<Object[]> keys, List<byte[]> lines, List<String> hashes, FailureSink failures) throws SQLException {
        int n = lines.size();
        int batches = (n + batchSize - 1) / batchSize;
        long[] synced = new long[batches];
        long[] failed = new long[batches];
        fillBatches(synced, n);
        if (direct) {
            Savepoint sp = pg.setSavepoint();
            try {
                copy(plan.copyIntoTargetSql(), lines, all(n));
                pg.releaseSavepoint(sp);
                return new UnitResult(synced, failed, n, 0);
            } catch (SQLException e) {
                rethrowUnlessRowLevel(e);
                pg.rollback(sp);
                direct = false;
            }
        }
        int[] todo = hashes != null && hashSql != null ? differing(keys, hashes) : all(n);
        if (todo.length == 0) {
            return new UnitResult(synced, failed, 0, 0);
        }
        Attempt unit = attempt(lines, todo);
        if (unit.error == null) {
            return new UnitResult(synced, failed, unit.inserted, unit.updated);
        }
        long inserted = 0;
        long updated = 0;
        for (int b = 0; b < batches; b++) {
            int batch = b;
            int[] inBatch = java.util.Arrays.stream(todo).filter(i -> i / batchSize == batch).toArray();
            if (inBatch.length == 0) {
                continue;
            }
            Attempt whole = attempt(lines, inBatch);
            if (whole.error == null) {
                inserted += whole.inserted;
                updated += whole.updated;
                continue;
            }
            for (int r : inBatch) {
                Attempt row = attempt(lines, new int[] {r});
                if (row.error == null) {
                    inserted += row.inserted;
                    updated += row.updated;
                } else {
                    synced[b]--;
                    failed[b]++;
                    failures.failed(keys.get(r), PostgresErrors.reason(row.error));
                }
            }
        }
        return new UnitResult(synced, failed, inserted, updated);
    }

    private static int[] all(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        return all;
    }

    /**
     * Sends (ordinal, key, fingerprint) for each row and returns the ordinals of rows that are new or differ; when the
     * keys themselves are refused, every row is treated as differing (the staged path then isolates the bad ones).
     */
    private int[] differing(List<Object[]> keys, List<String> hashes) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute(plan.truncateHashStageSql());
        }
        Savepoint sp = pg.setSavepoint();
        try {
            List<byte[]> lines = new java.util.ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                Object[] key = keys.get(i);
                Object[] row = new Object[key.length + 2];
                row[0] = i;
                System.arraycopy(key, 0, row, 1, key.length);
                row[row.length - 1] = hashes.get(i);
                lines.add(CopyText.row(row));
            }
            copy(plan.copyIntoHashStageSql(), lines, all(lines.size()));
            java.util.List<Integer> ordinals = new java.util.ArrayList<>();
            try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(hashSql)) {
                while (rs.next()) {
                    ordinals.add(rs.getInt(1));
                }
            }
            pg.releaseSavepoint(sp);
            return ordinals.stream().mapToInt(Integer::intValue).sorted().toArray();
        } catch (SQLException e) {
            rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            return all(keys.size());
        }
    }

    private void fillBatches(long[] synced, int n) {
        for (int b = 0; b < synced.length; b++) {
            synced[b] = Math.min(batchSize, n - (long) b * batchSize);
        }
    }

    private record Attempt(long inserted, long updated, SQLException error) {
    }

    /** Stages the rows at {@code indexes} and upserts them under a savepoint; a row-level error rolls it back and is returned. */
    private Attempt attempt(List<byte[]> lines, int[] indexes) throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute(plan.truncateStageSql());
        }
        Savepoint sp = pg.setSavepoint();
        try {
            copy(plan.copyIntoStageSql(), lines, indexes);
            long inserted;
            long updated;
            try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(upsertSql)) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
            pg.releaseSavepoint(sp);
            return new Attempt(inserted, updated, null);
        } catch (SQLException e) {
            rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            return new Attempt(0, 0, e);
        }
    }

    /** Deletes target rows whose key is not among the source keys streamed in by {@code keys}. */
    long deleteMissing(KeySource keys) throws SQLException, InterruptedException {
        try (Statement s = pg.createStatement()) {
            s.execute(plan.createKeysSql());
        }
        CopyIn in = copy.copyIn(plan.copyKeysSql());
        try {
            keys.forEach(values -> {
                byte[] line = CopyText.row(values);
                in.writeToCopy(line, 0, line.length);
            });
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
        try (Statement s = pg.createStatement()) {
            return s.executeUpdate(plan.deleteMissingSql());
        }
    }

    /** Streams the source's keys. */
    interface KeySource {
        void forEach(SqliteSnapshot.RowSink sink) throws SQLException, InterruptedException;
    }

    private void copy(String sql, List<byte[]> lines, int[] indexes) throws SQLException {
        CopyIn in = copy.copyIn(sql);
        try {
            byte[] buffer = new byte[COPY_CHUNK];
            int used = 0;
            for (int i : indexes) {
                byte[] line = lines.get(i);
                if (used + line.length > buffer.length) {
                    if (used > 0) {
                        in.writeToCopy(buffer, 0, used);
                        used = 0;
                    }
                    if (line.length > buffer.length) {
                        in.writeToCopy(line, 0, line.length);
                        continue;
                    }
                }
                System.arraycopy(line, 0, buffer, used, line.length);
                used += line.length;
            }
            if (used > 0) {
                in.writeToCopy(buffer, 0, used);
            }
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * Errors about the data of some row (invalid value, constraint, trigger) are isolated; anything else (lost
     * connection, permissions, missing objects) stops the table.
     */
    private static void rethrowUnlessRowLevel(SQLException e) throws SQLException {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (!(state.startsWith("22") || state.startsWith("23") || state.startsWith("P0") || state.startsWith("44"))) {
            throw e;
        }
    }
}
