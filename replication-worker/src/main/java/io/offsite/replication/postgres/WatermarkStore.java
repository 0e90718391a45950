package io.offsite.replication.postgres;

import io.offsite.replication.plan.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Where incremental runs remember how far they got: one row per source table in the target database, written in
 * the same transaction as the rows it describes, so data and watermark commit or roll back together.
 */
public final class WatermarkStore {

    public static final String TABLE = "offsite_replication_state";

    /**
     * How far a table got: the highest value of its watermark column, and a digest of the rows holding exactly that
     * value as they were sent ({@link io.offsite.replication.plan.BoundaryDigest}; null when unknown). The next
     * incremental run reads those rows again, since rows written later may share the value, and sends them only when
     * their digest differs.
     */
    public record Watermark(String column, String value, String boundary) {
    }

    /** The column holding {@link Watermark#boundary()}, added to state tables made before it existed. */
    public static final String BOUNDARY_COLUMN = "boundary_digest";

    private final Connection pg;
    private final String table;
    private PreparedStatement pending;

    public WatermarkStore(Connection pg, String schema) {
        this.pg = pg;
        this.table = Sql.qualified(schema, TABLE);
    }

    public void ensure() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + """
                     (
                      source text NOT NULL,
                      table_name text NOT NULL,
                      watermark_column text NOT NULL,
                      watermark text,
                      rows_replicated bigint NOT NULL,
                      run_id text,
                      updated_at timestamptz NOT NULL DEFAULT now(),
                      boundary_digest text,
                      PRIMARY KEY (source, table_name)
                    )""");
        }
    }

    /** Adds the boundary digest column to a state table made before it existed. */
    public void addBoundaryColumn() throws SQLException {
        try (Statement s = pg.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN IF NOT EXISTS " + BOUNDARY_COLUMN + " text");
        }
    }

    /** The watermarks of every table of {@code source}, by table name; those never set (NULL) are left out. */
    public Map<String, Watermark> readAll(String source) throws SQLException {
        Map<String, Watermark> marks = new HashMap<>();
        try (PreparedStatement ps = pg.prepareStatement("SELECT table_name, watermark_column, watermark, boundary_digest FROM " + table + " WHERE source = ?")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(3) != null) {
                        marks.put(rs.getString(1), new Watermark(rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                }
            }
        }
        return marks;
    }

    /** Queues a table's new watermark; {@link #flush()} writes all queued ones in one round trip. */
    public void write(String source, String tableName, Watermark watermark, long rows, String runId) throws SQLException {
        if (pending == null) {
            pending = pg.prepareStatement("INSERT INTO " + table
                    + " (source, table_name, watermark_column, watermark, rows_replicated, run_id, updated_at, boundary_digest)"
                    + " VALUES (?, ?, ?, ?, ?, ?, now(), ?)"
                    + " ON CONFLICT (source, table_name) DO UPDATE SET watermark_column = EXCLUDED.watermark_column,"
                    + " watermark = EXCLUDED.watermark, rows_replicated = EXCLUDED.rows_replicated, run_id = EXCLUDED.run_id,"
                    + " updated_at = now(), boundary_digest = EXCLUDED.boundary_digest");
        }
        pending.setString(1, source);
        pending.setString(2, tableName);
        pending.setString(3, watermark.column());
        pending.setString(4, watermark.value());
        pending.setLong(5, rows);
        pending.setString(6, runId);
        pending.setString(7, watermark.boundary());
        pending.addBatch();
    }

    /** Writes the queued watermarks (in the run's transaction, before it commits). */
    public void flush() throws SQLException {
        if (pending != null) {
            try {
                pending.executeBatch();
            } finally {
                pending.close();
                pending = null;
            }
        }
    }
}
