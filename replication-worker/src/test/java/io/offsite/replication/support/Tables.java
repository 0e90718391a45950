package io.offsite.replication.support;

import io.offsite.localstack.postgres.PostgresEndpoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Reads both sides of a replication for assertions: row-set hashes, counts and PostgreSQL's tuple statistics. */
public final class Tables {

    private Tables() {
    }

    public static Connection sqlite(Path db) throws SQLException {
        return DriverManager.getConnection("jdbc:sqlite:" + db);
    }

    /** SHA-256 over the sorted rows of {@code columns} (an order-independent aggregate of the whole table). */
    public static String hash(Connection c, String table, List<String> columns) throws Exception {
        List<String> rows = new ArrayList<>();
        String cols = String.join(", ", columns.stream().map(n -> "\"" + n + "\"").toList());
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + cols + " FROM \"" + table + "\"")) {
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= columns.size(); i++) {
                    Object v = rs.getObject(i);
                    sb.append(v == null ? "\u0000" : v.toString()).append('\u0001');
                }
                rows.add(sb.toString());
            }
        }
        rows.sort(null);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (String row : rows) {
            digest.update(row.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return rows.size() + ":" + HexFormat.of().formatHex(digest.digest());
    }

    public static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public static String string(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Counts, from now on, the INSERT statements (COPY included) that reach {@code table} and commit, however many rows
     * each writes: {@link #insertStatements} reads the count. Shows which units of a run PostgreSQL saw at all.
     */
    public static void countInsertStatements(Connection c, String table) throws SQLException {
        execute(c, "CREATE TABLE IF NOT EXISTS test_insert_statements (table_name text)");
        execute(c, "CREATE OR REPLACE FUNCTION test_count_insert() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$BEGIN INSERT INTO test_insert_statements VALUES (TG_TABLE_NAME); RETURN NULL; END$$");
        execute(c, "CREATE TRIGGER test_count_insert AFTER INSERT ON " + table + " FOR EACH STATEMENT EXECUTE PROCEDURE test_count_insert()");
    }

    public static long insertStatements(Connection c, String table) throws SQLException {
        return count(c, "SELECT count(*) FROM test_insert_statements WHERE table_name = '" + table.replace("'", "''") + "'");
    }

    /** Cumulative updates and dead tuples of a table, read in a fresh statistics snapshot. */
    public record TupleStats(long inserted, long updated, long deleted, long dead) {
    }

    public static TupleStats stats(PostgresEndpoint pg, String table) throws SQLException {
        try (Connection c = pg.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT n_tup_ins, n_tup_upd, n_tup_del, n_dead_tup FROM pg_stat_user_tables WHERE relname = '"
                    + table.replace("'", "''") + "'")) {
                if (!rs.next()) {
                    return new TupleStats(0, 0, 0, 0);
                }
                return new TupleStats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4));
            }
        }
    }
}
