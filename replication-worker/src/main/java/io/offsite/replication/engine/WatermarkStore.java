package io.offsite.replication.engine;

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
final class WatermarkStore {

    static final String TABLE = "offsite_replication_state";

    record Watermark(String column, String value) {
    }

    private final Connection pg;
    private final String table;
    private PreparedStatement pending;

    WatermarkStore(Connection pg, String schema) {
        this.pg = pg;
        this.table = Sql.qualified(schema, TABLE);
    }

    void ensure() throws SQLException {
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
                      PRIMARY KEY (source, table_name)
                    )""");
        }
    }

    /** The watermarks of every table of {@code source}, by table name; those never set (NULL) are left out. */
    Map<String, Watermark> readAll(String source) throws SQLException {
        Map<String, Watermark> marks = new HashMap<>();
        try (PreparedStatement ps = pg.prepareStatement("SELECT table_name, watermark_column, watermark FROM " + table + " WHERE source = ?")) {
            ps.setString(1, source);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (rs.getString(3) != null) {
                        marks.put(rs.getString(1), new Watermark(rs.getString(2), rs.getString(3)));
                    }
                }
            }
        }
        return marks;
    }

    /** Queues a table's new watermark; {@link #flush()} writes all queued ones in one round trip. */
    void write(String source, String tableName, Watermark watermark, long rows, String runId) throws SQLException {
        if (pending == null) {
            pending = pg.prepareStatement("INSERT INTO " + table
                    + " (source, table_name, watermark_column, watermark, rows_replicated, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, now())"
                    + " ON CONFLICT (source, table_name) DO UPDATE SET watermark_column = EXCLUDED.watermark_column,"
                    + " watermark = EXCLUDED.watermark, rows_replicated = EXCLUDED.rows_replicated, run_id = EXCLUDED.run_id, updated_at = now()");
        }
        pending.setString(1, source);
        pending.setString(2, tableName);
        pending.setString(3, watermark.column());
        pending.setString(4, watermark.value());
        pending.setLong(5, rows);
        pending.setString(6, runId);
        pending.addBatch();
    }

    /** Writes the queued watermarks (in the run's transaction, before it commits). */
    void flush() throws SQLException {
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
