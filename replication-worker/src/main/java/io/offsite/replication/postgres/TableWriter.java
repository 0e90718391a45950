package io.offsite.replication.engine;

import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.RowMatch;
import io.offsite.replication.plan.TablePlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Writes one table's rows into PostgreSQL a unit at a time: COPY into a temporary staging table, then one upsert
 * that inserts new rows, rewrites changed ones and leaves equal ones untouched. A unit that fails is retried batch by
 * batch and a batch that fails row by row, each under its own savepoint, so one bad row fails alone.
 *
 * <p>When the target was empty at the start, units are copied straight into it (the raw load path); the first unit
 * that fails switches the table back to the staged path. A full run into a target that holds rows compares each
 * unit's rows with the target's first and sends only those it does not hold as they are ({@link Compare},
 * {@link #differing}). A unit of at most
 * {@value #SMALL_UNIT} rows (typically all an incremental run has to send) skips the staging table: one upsert
 * statement carries its rows as parameters.
 */
final class TableWriter {

    /** What a unit did, batch by batch. */
    record UnitResult(int rows, long[] syncedPerBatch, long[] failedPerBatch, long inserted, long updated) {
    }

    /** How a run finds the rows of a unit that need to travel. */
    enum Compare {
        /** All travel: a first load, an incremental run (its rows changed), or a target found far behind. */
        NONE,
        /** Each unit's rows are looked up in the target by key, in one query per unit. */
        LOOK_UP,
        /** The target table is read whole (one {@code COPY ... TO}) when the first unit comes; units compare in memory. */
        IN_MEMORY
    }

    /** Called for each row PostgreSQL refused. */
    interface FailureSink {
        void failed(Object[] row, String reason);
    }

    /** The chunks of one unit as they are read; empty after the last. */
    interface Chunks {
        Optional<UnitReader.Chunk> next() throws InterruptedException;
    }

    private static final int COPY_CHUNK = 1 << 16;
    /**
     * Units of at most this many rows are upserted from parameters, without a staging table: below it one statement is
     * cheaper than creating, filling and reading a staging table; above it, parsing and binding the parameters costs more.
     */
    static final int SMALL_UNIT = 32;
    /** PostgreSQL takes at most 65,535 parameters per statement; staying well below keeps statements small. */
    private static final int MAX_PARAMETERS = 30_000;

    private final Connection pg;
    private final CopyManager copy;
    private final TablePlan plan;
    private final Map<String, String> castTypes;
    private final int batchSize;
    private final String upsertSql;
    private boolean direct;
    private Compare compare;
    /** Reading a table to compare in memory stops keeping rows past this many bytes of text (its units are looked up). */
    private final long inMemoryLimit;
    /** The target's rows by their key fields as COPY text, while comparing in memory. */
    private Map<ByteBuffer, byte[]> targetRows;
    private final String targetRowsSql;
    private final boolean[] float8;
    private boolean staged;
    /** Whether the staging table may hold rows of an earlier attempt (a failed attempt rolls its rows back). */
    private boolean stageUsed;

    /**
     * @param direct copy straight into the target (it was empty when the run began)
     * @param compare how to find the rows that need to travel (for full runs into a target that holds rows)
     * @param inMemoryLimit for {@link Compare#IN_MEMORY}: past this many bytes of the target's text, rows are looked up
     */
    TableWriter(Connection pg, TablePlan plan, Map<String, String> castTypes, int batchSize, boolean direct, Compare compare,
                long inMemoryLimit) throws SQLException {
        this.pg = pg;
        this.castTypes = castTypes;
        this.copy = pg.unwrap(PGConnection.class).getCopyAPI();
        this.plan = plan;
        this.batchSize = batchSize;
        this.upsertSql = plan.upsertSql();
        this.direct = direct;
        this.compare = direct ? Compare.NONE : compare;
        this.inMemoryLimit = inMemoryLimit;
        this.targetRowsSql = this.compare == Compare.NONE ? null : plan.targetRowsSql(castTypes);
        List<String> columns = plan.columns();
        this.float8 = new boolean[columns.size()];
        for (int i = 0; i < float8.length; i++) {
            float8[i] = "double precision".equals(castTypes.get(columns.get(i)));
        }
    }

    /** The staging table, created when a unit first needs it (a first load into an empty table never does). */
    private void ensureStage() throws SQLException {
        if (!staged) {
            try (Statement s = pg.createStatement()) {
                s.execute(plan.createStageSql());
            }
            staged = true;
        }
    }

    /**
     * Writes one unit, streaming its chunks into COPY as they arrive. Everything streamed is also kept, so that a unit
     * PostgreSQL refuses can be retried batch by batch and row by row.
     */
    UnitResult write(Chunks chunks, FailureSink failures) throws SQLException, InterruptedException {
        Streamed unit = new Streamed(chunks);
        if (direct) {
            Savepoint sp = pg.setSavepoint();
            try {
                copy(plan.copyIntoTargetSql(), unit);
                pg.releaseSavepoint(sp);
                int n = unit.lines.size();
                return new UnitResult(n, fullBatches(n), new long[batches(n)], n, 0);
            } catch (SQLException e) {
                rethrowUnlessRowLevel(e);
                pg.rollback(sp);
                direct = false;
                unit.drain();
            }
        }
        Attempt whole;
        BitSet send = null; // the rows to send, all when null
        if (compare != Compare.NONE) {
            unit.drain();
            send = differing(unit.rows, unit.lines);
            if (compare == Compare.LOOK_UP && send.cardinality() * 2 > unit.lines.size()) {
                compare = Compare.NONE; // mostly new or changed rows: the next units are sent without the look
            }
            List<byte[]> lines = pick(unit.lines, send, 0, unit.lines.size());
            whole = lines.isEmpty() ? Attempt.NOTHING : attemptSmallOrStaged(lines);
        } else if (unit.drained()) { // a direct copy refused it: staged, so that the retries can isolate rows
            whole = attempt(unit.lines);
        } else {
            whole = attemptSmallOrStaged(unit);
        }
        unit.drain();
        int n = unit.lines.size();
        if (whole.error == null) {
            return new UnitResult(n, fullBatches(n), new long[batches(n)], whole.inserted, whole.updated);
        }
        return retry(unit.rows, unit.lines, send, failures);
    }

    /** A unit small enough goes as parameters of one statement; any other through the staging table. */
    private Attempt attemptSmallOrStaged(List<byte[]> lines) throws SQLException, InterruptedException {
        Attempt values = fitsParameters(lines.size()) ? attemptValues(lines) : null;
        return values != null ? values : attempt(lines);
    }

    /** As above for a unit still streaming: small when its first chunk is all of it. */
    private Attempt attemptSmallOrStaged(Streamed unit) throws SQLException, InterruptedException {
        Attempt values = unit.prefetch() && fitsParameters(unit.lines.size()) ? attemptValues(unit.lines) : null;
        return values != null ? values : attempt(unit);
    }

    private boolean fitsParameters(int rows) {
        return rows <= SMALL_UNIT && (long) rows * plan.columns().size() <= MAX_PARAMETERS;
    }

    /**
     * A unit PostgreSQL refused as a whole, sent again batch by batch (the original's batches by position in the unit)
     * and a refused batch row by row, so that each bad row fails alone. Only the rows in {@code send} (all when null)
     * travel; the others were found equal in the target and count as synced.
     */
    private UnitResult retry(List<Object[]> rows, List<byte[]> lines, BitSet send, FailureSink failures)
            throws SQLException, InterruptedException {
        int n = lines.size();
        int batches = batches(n);
        long[] synced = new long[batches];
        long[] failed = new long[batches];
        long inserted = 0;
        long updated = 0;
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize;
            int to = Math.min(n, from + batchSize);
            synced[b] = to - from;
            List<byte[]> batchLines = pick(lines, send, from, to);
            Attempt batch = batchLines.isEmpty() ? Attempt.NOTHING : attempt(batchLines);
            if (batch.error == null) {
                inserted += batch.inserted;
                updated += batch.updated;
                continue;
            }
            for (int r = from; r < to; r++) {
                if (send != null && !send.get(r)) {
                    continue;
                }
                Attempt row = attempt(lines.subList(r, r + 1));
                if (row.error == null) {
                    inserted += row.inserted;
                    updated += row.updated;
                } else {
                    synced[b]--;
                    failed[b]++;
                    failures.failed(rows.get(r), PostgresErrors.reason(row.error));
                }
            }
        }
        return new UnitResult(n, synced, failed, inserted, updated);
    }

    /** The lines in [from, to) that are in {@code send} (all when null). */
    private static List<byte[]> pick(List<byte[]> lines, BitSet send, int from, int to) {
        if (send == null) {
            return lines.subList(from, to);
        }
        List<byte[]> picked = new ArrayList<>();
        for (int r = send.nextSetBit(from); r >= 0 && r < to; r = send.nextSetBit(r + 1)) {
            picked.add(lines.get(r));
        }
        return picked;
    }

    /** The rows of a unit that the target does not hold exactly as they are ({@link RowMatch}). */
    private BitSet differing(List<Object[]> keys, List<byte[]> lines) throws SQLException {
        if (compare == Compare.IN_MEMORY && targetRows == null) {
            targetRows = readTarget();
            if (targetRows == null) {
                compare = Compare.LOOK_UP;
            }
        }
        return compare == Compare.IN_MEMORY ? differingInMemory(lines) : lookUp(keys, lines);
    }

    /**
     * The target's rows as COPY text by their key fields; null (after reading to the end) when the text passes
     * {@code inMemoryLimit}, which the table's size on disk did not foretell (values TOAST had compressed).
     */
    private Map<ByteBuffer, byte[]> readTarget() throws SQLException {
        Map<ByteBuffer, byte[]> rows = new HashMap<>();
        long bytes = 0;
        CopyOut out = copy.copyOut(plan.targetCopySql());
        try {
            for (byte[] row = out.readFromCopy(); row != null; row = out.readFromCopy()) {
                bytes += row.length;
                if (bytes > inMemoryLimit) {
                    rows = null;
                } else if (rows != null) {
                    rows.put(keyFields(row), row);
                }
            }
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
        return rows;
    }

    /** Compares each line with the target's row of the same key fields; a row compared is dropped from memory. */
    private BitSet differingInMemory(List<byte[]> lines) {
        BitSet send = new BitSet(lines.size());
        for (int r = 0; r < lines.size(); r++) {
            byte[] line = lines.get(r);
            byte[] target = targetRows.remove(keyFields(line));
            if (target == null || !RowMatch.same(line, target, float8)) {
                send.set(r);
            }
        }
        return send;
    }

    /** A COPY line's key fields (they come first), as a map key. */
    private ByteBuffer keyFields(byte[] line) {
        return ByteBuffer.wrap(line, 0, CopyText.fieldsEnd(line, plan.keyColumns().size()));
    }

    /**
     * The rows of a unit that the target does not hold as they are: looks the unit's keys up in one query and compares
     * each target row's printed values with the row's line. A key PostgreSQL cannot read as its key type sends the
     * whole unit, where the upsert names the row.
     */
    private BitSet lookUp(List<Object[]> keys, List<byte[]> lines) throws SQLException {
        int n = lines.size();
        int keyColumns = plan.keyColumns().size();
        int width = plan.columns().size();
        BitSet send = new BitSet(n);
        send.set(0, n);
        if (n == 0) {
            return send;
        }
        Savepoint sp = pg.setSavepoint();
        try (PreparedStatement ps = pg.prepareStatement(targetRowsSql)) {
            for (int k = 0; k < keyColumns; k++) {
                String[] texts = new String[n];
                for (int r = 0; r < n; r++) {
                    texts[r] = CopyText.text(keys.get(r)[k]);
                }
                ps.setArray(k + 1, pg.createArrayOf("text", texts));
            }
            byte[][] printed = new byte[width][];
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int r = rs.getInt(1) - 1;
                    for (int c = 0; c < width; c++) {
                        printed[c] = rs.getBytes(c + 2);
                    }
                    if (RowMatch.same(lines.get(r), printed, float8)) {
                        send.clear(r);
                    }
                }
            }
            pg.releaseSavepoint(sp);
        } catch (SQLException e) {
            rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            send.set(0, n);
        }
        return send;
    }

    private int batches(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    private long[] fullBatches(int n) {
        long[] synced = new long[batches(n)];
        for (int b = 0; b < synced.length; b++) {
            synced[b] = Math.min(batchSize, n - (long) b * batchSize);
        }
        return synced;
    }

    /** Hands out a unit's lines chunk by chunk while keeping all of them; {@link #drain()} reads what is left. */
    private static final class Streamed implements LineChunks {
        private final Chunks chunks;
        final List<Object[]> rows = new ArrayList<>();
        final List<byte[]> lines = new ArrayList<>();
        private boolean done;
        private boolean complete;
        private List<byte[]> prefetched;

        Streamed(Chunks chunks) {
            this.chunks = chunks;
        }

        /** Reads the first chunk ahead (handed out by the next {@link #next()}); true when it is the whole unit. */
        boolean prefetch() throws InterruptedException {
            if (prefetched == null && lines.isEmpty()) {
                prefetched = next().orElse(List.of());
            }
            return complete;
        }

        @Override
        public Optional<List<byte[]>> next() throws InterruptedException {
            if (prefetched != null) {
                List<byte[]> first = prefetched;
                prefetched = null;
                return Optional.of(first);
            }
            Optional<UnitReader.Chunk> chunk = done || complete ? Optional.empty() : chunks.next();
            if (chunk.isEmpty()) {
                done = true;
                return Optional.empty();
            }
            complete = chunk.get().endsUnit();
            rows.addAll(chunk.get().rows());
            lines.addAll(chunk.get().lines());
            return Optional.of(chunk.get().lines());
        }

        boolean drained() {
            return done;
        }

        void drain() throws InterruptedException {
            while (next().isPresent()) {
                // kept for the retries
            }
        }
    }

    private record Attempt(long inserted, long updated, SQLException error) {
        static final Attempt NOTHING = new Attempt(0, 0, null);
    }

    /** Stages {@code lines} and upserts them under a savepoint; a row-level error rolls the savepoint back and is returned. */
    private Attempt attempt(List<byte[]> lines) throws SQLException, InterruptedException {
        Iterator<List<byte[]>> range = List.of(lines).iterator();
        return attempt(() -> range.hasNext() ? Optional.of(range.next()) : Optional.empty());
    }

    /** Stages the rows {@code lines} hands out and upserts them, as above. */
    private Attempt attempt(LineChunks lines) throws SQLException, InterruptedException {
        ensureStage();
        if (stageUsed) {
            try (Statement s = pg.createStatement()) {
                s.execute(plan.truncateStageSql());
            }
            stageUsed = false;
        }
        Savepoint sp = pg.setSavepoint();
        try {
            copy(plan.copyIntoStageSql(), lines);
            long inserted;
            long updated;
            try (Statement s = pg.createStatement(); ResultSet rs = s.executeQuery(upsertSql)) {
                rs.next();
                inserted = rs.getLong(1);
                updated = rs.getLong(2);
            }
            pg.releaseSavepoint(sp);
            stageUsed = true;
            return new Attempt(inserted, updated, null);
        } catch (SQLException e) {
            rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            return new Attempt(0, 0, e);
        }
    }

    /**
     * Upserts a small unit from parameters, without staging; a row-level error is returned as from {@link #attempt}.
     * Null when a line cannot travel as parameters (text that is no valid UTF-8): the staged path then lets PostgreSQL
     * judge it as COPY would.
     */
    private Attempt attemptValues(List<byte[]> lines) throws SQLException {
        List<String[]> rows = new ArrayList<>(lines.size());
        try {
            for (byte[] line : lines) {
                rows.add(CopyText.fields(line));
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
        Savepoint sp = pg.setSavepoint();
        try (PreparedStatement ps = pg.prepareStatement(plan.upsertValuesSql(rows.size(), castTypes))) {
            int p = 1;
            for (String[] row : rows) {
                for (String value : row) {
                    if (value == null) {
                        ps.setNull(p++, Types.OTHER);
                    } else {
                        ps.setObject(p++, value, Types.OTHER);
                    }
                }
            }
            long inserted;
            long updated;
            try (ResultSet rs = ps.executeQuery()) {
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

    /** Lines to copy, a chunk at a time; empty at the end. */
    private interface LineChunks {
        Optional<List<byte[]>> next() throws InterruptedException;
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

    /** One COPY of everything {@code lines} hands out, sent in buffers of up to {@value #COPY_CHUNK} bytes. */
    private void copy(String sql, LineChunks lines) throws SQLException, InterruptedException {
        CopyIn in = copy.copyIn(sql);
        try {
            byte[] buffer = new byte[COPY_CHUNK];
            int used = 0;
            for (Optional<List<byte[]>> chunk = lines.next(); chunk.isPresent(); chunk = lines.next()) {
                for (byte[] line : chunk.get()) {
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
                if (used > 0) { // each chunk goes out when it is complete: PostgreSQL works while the next one is read
                    in.writeToCopy(buffer, 0, used);
                    used = 0;
                }
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
