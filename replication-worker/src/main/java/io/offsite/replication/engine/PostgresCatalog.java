package io.offsite.replication.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the target database already has: a table's columns and its unique keys. Names are bound as parameters. */
final class PostgresCatalog {

    /** A target column: its type as PostgreSQL prints it and whether it has a default. */
    record TargetColumn(String type, boolean hasDefault) {
    }

    private PostgresCatalog() {
    }

    static Map<String, TargetColumn> columns(Connection pg, String schema, String table) throws SQLException {
        Map<String, TargetColumn> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = pg.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.atthasdef
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), new TargetColumn(rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return columns;
    }

    static Map<String, String> types(Map<String, TargetColumn> columns) {
        Map<String, String> types = new LinkedHashMap<>();
        columns.forEach((name, column) -> types.put(name, column.type()));
        return types;
    }

    /** Whether a plain unique index (or primary key) covers exactly these columns, as ON CONFLICT needs. */
    static boolean hasUniqueKey(Connection pg, String schema, String table, List<String> keyColumns) throws SQLException {
        Map<Long, Set<String>> indexes = new HashMap<>();
        try (PreparedStatement ps = pg.prepareStatement("""
                SELECT i.indexrelid::bigint, a.attname
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
                WHERE n.nspname = ? AND c.relname = ? AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    indexes.computeIfAbsent(rs.getLong(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
        }
        Set<String> wanted = Set.copyOf(keyColumns);
        return indexes.values().stream().anyMatch(wanted::equals);
    }

    static boolean isEmpty(Connection pg, String qualifiedTable) throws SQLException {
        try (var s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + qualifiedTable + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
