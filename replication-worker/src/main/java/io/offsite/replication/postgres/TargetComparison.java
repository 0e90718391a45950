package io.offsite.replication.postgres;

import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.RowMatch;
import io.offsite.replication.plan.TablePlan;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * Finds the rows of a unit that the target table does not hold exactly as they are ({@link RowMatch}), so that only
 * those travel: by reading the table whole once and comparing in memory ({@link Compare#IN_MEMORY}), or by looking each
 * unit's keys up in one query ({@link Compare#LOOK_UP}). A unit where most rows differ anyway (a target far behind)
 * turns the look off for the table's remaining units.
 */
final class TargetComparison {

    private final Connection pg;
    private final CopyManager copy;
    private final TablePlan plan;
    private final String targetRowsSql;
    private final boolean[] float8;
    /** Reading a table to compare in memory stops keeping rows past this many bytes of text (its units are looked up). */
    private final long inMemoryLimit;
    private Compare compare;
    /** The target's rows by their key fields as COPY text, while comparing in memory. */
    private Map<ByteBuffer, byte[]> targetRows;

    TargetComparison(Connection pg, CopyManager copy, TablePlan plan, Map<String, String> castTypes, Compare compare, long inMemoryLimit) {
        this.pg = pg;
        this.copy = copy;
        this.plan = plan;
        this.compare = compare;
        this.inMemoryLimit = inMemoryLimit;
        this.targetRowsSql = compare == Compare.NONE ? null : plan.targetRowsSql(castTypes);
        List<String> columns = plan.columns();
        this.float8 = new boolean[columns.size()];
        for (int i = 0; i < float8.length; i++) {
            float8[i] = "double precision".equals(castTypes.get(columns.get(i)));
        }
    }

    /** Whether units are compared before they travel; false once all rows are sent. */
    boolean active() {
        return compare != Compare.NONE;
    }

    /** The rows of a unit to send: those the target does not hold as they are. */
    BitSet toSend(List<Object[]> keys, List<byte[]> lines) throws SQLException {
        BitSet send = differing(keys, lines);
        if (compare == Compare.LOOK_UP && send.cardinality() * 2 > lines.size()) {
            compare = Compare.NONE; // mostly new or changed rows: the next units are sent without the look
        }
        return send;
    }

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
            PostgresErrors.rethrowUnlessRowLevel(e);
            pg.rollback(sp);
            send.set(0, n);
        }
        return send;
    }
}
