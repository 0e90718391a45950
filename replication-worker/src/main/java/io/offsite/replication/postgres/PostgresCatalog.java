package io.offsite.replication.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the target database already has: the columns and unique keys of the tables a run touches, read in one round
 * trip for all of them. Names are bound as parameters.
 */
public final class PostgresCatalog {

    /**
     * A target column: its type as PostgreSQL prints it, the same without modifiers (for casts that must not truncate,
     * e.g. {@code character varying} for {@code character varying(10)}), and whether it has a default.
     */
    public record TargetColumn(String type, String baseType, boolean hasDefault) {
    }

    /**
     * An existing target table: its columns in order, the column sets of its plain unique indexes (primary key
     * included) and its size on disk ({@code pg_table_size}: heap and TOAST, no indexes; -1 for a partitioned table,
     * whose rows live in its partitions).
     */
    public record TargetTable(Map<String, TargetColumn> columns, List<Set<String>> uniqueKeys, long bytes) {

        public Map<String, String> types() {
            Map<String, String> types = new LinkedHashMap<>();
            columns.forEach((name, column) -> types.put(name, column.type()));
            return types;
        }

        public Map<String, String> baseTypes() {
            Map<String, String> types = new LinkedHashMap<>();
            columns.forEach((name, column) -> types.put(name, column.baseType()));
            return types;
        }

        /** Whether a plain unique index (or primary key) covers exactly these columns, as ON CONFLICT needs. */
        public boolean hasUniqueKey(List<String> keyColumns) {
            return uniqueKeys.contains(Set.copyOf(keyColumns));
        }
    }

    private final Map<String, TargetTable> tables;

    private PostgresCatalog(Map<String, TargetTable> tables) {
        this.tables = tables;
    }

    /** The tables of {@code schema} named in {@code names} that exist (tables and partitioned tables). */
    public static PostgresCatalog read(Connection pg, String schema, List<String> names) throws SQLException {
        Map<String, Map<String, TargetColumn>> columns = new LinkedHashMap<>();
        Map<String, Map<Long, Set<String>>> indexes = new HashMap<>();
        Map<String, Long> sizes = new HashMap<>();
        try (PreparedStatement ps = pg.prepareStatement("""
                SELECT c.relname, 'c', a.attname, format_type(a.atttypid, a.atttypmod), format_type(a.atttypid, NULL), a.atthasdef, a.attnum, 0
                FROM pg_attribute a
                JOIN pg_class c ON c.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ANY (?) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
                UNION ALL
                SELECT c.relname, 'i', a.attname, NULL, NULL, NULL, a.attnum, i.indexrelid::bigint
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
                WHERE n.nspname = ? AND c.relname = ANY (?) AND c.relkind IN ('r', 'p')
                  AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
                UNION ALL
                SELECT c.relname, 's', NULL, NULL, NULL, NULL, 0, CASE c.relkind WHEN 'r' THEN pg_table_size(c.oid) ELSE -1 END
                FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ANY (?) AND c.relkind IN ('r', 'p')
                ORDER BY 1, 2, 7""")) {
            java.sql.Array array = pg.createArrayOf("text", names.toArray());
            ps.setString(1, schema);
            ps.setArray(2, array);
            ps.setString(3, schema);
            ps.setArray(4, array);
            ps.setString(5, schema);
            ps.setArray(6, array);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String table = rs.getString(1);
                    String kind = rs.getString(2);
                    if (kind.equals("s")) {
                        sizes.put(table, rs.getLong(8));
                    } else if (kind.equals("c")) {
                        columns.computeIfAbsent(table, t -> new LinkedHashMap<>())
                                .put(rs.getString(3), new TargetColumn(rs.getString(4), rs.getString(5), rs.getBoolean(6)));
                    } else {
                        indexes.computeIfAbsent(table, t -> new HashMap<>()).computeIfAbsent(rs.getLong(8), i -> new HashSet<>()).add(rs.getString(3));
                    }
                }
            }
        }
        Map<String, TargetTable> tables = new HashMap<>();
        columns.forEach((table, cols) -> tables.put(table,
                new TargetTable(cols, new ArrayList<>(indexes.getOrDefault(table, Map.of()).values()), sizes.getOrDefault(table, 0L))));
        return new PostgresCatalog(tables);
    }

    /** The table as read, empty when it does not exist. */
    public Optional<TargetTable> table(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    public static boolean isEmpty(Connection pg, String qualifiedTable) throws SQLException {
        try (var s = pg.createStatement(); ResultSet rs = s.executeQuery("SELECT NOT EXISTS (SELECT 1 FROM " + qualifiedTable + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
