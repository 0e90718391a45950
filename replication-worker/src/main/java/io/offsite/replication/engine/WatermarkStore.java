package io.offsite.replication.engine;

import io.offsite.replication.plan.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

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

    Optional<Watermark> read(String source, String tableName) throws SQLException {
        try (PreparedStatement ps = pg.prepareStatement("SELECT watermark_column, watermark FROM " + table + " WHERE source = ? AND table_name = ?")) {
            ps.setString(1, source);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && rs.getString(2) != null) {
                    return Optional.of(new Watermark(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return Optional.empty();
    }

    void write(String source, String tableName, Watermark watermark, long rows, String runId) throws SQLException {
        try (PreparedStatement ps = pg.prepareStatement("INSERT INTO " + table
                + " (source, table_name, watermark_column, watermark, rows_replicated, run_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, now())"
                + " ON CONFLICT (source, table_name) DO UPDATE SET watermark_column = EXCLUDED.watermark_column,"
                + " watermark = EXCLUDED.watermark, rows_replicated = EXCLUDED.rows_replicated, run_id = EXCLUDED.run_id, updated_at = now()")) {
            ps.setString(1, source);
            ps.setString(2, tableName);
            ps.setString(3, watermark.column());
            ps.setString(4, watermark.value());
            ps.setLong(5, rows);
            ps.setString(6, runId);
            ps.executeUpdate();
        }
    }
}
