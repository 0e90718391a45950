package io.offsite.replication.plan;

import java.util.Locale;

/**
 * Maps a SQLite declared column type onto a PostgreSQL type, following SQLite's type-affinity rules so that every
 * value SQLite accepts for the column keeps its meaning. Dates stay {@code text}: SQLite stores them as free text
 * and nothing guarantees a format PostgreSQL would parse.
 */
public final class TypeMapping {

    private TypeMapping() {
    }

    /** Whether SQLite gives the column TEXT affinity: every non-NULL value in it is stored as text. */
    public static boolean hasTextAffinity(String declaredType) {
        String t = declaredType == null ? "" : declaredType.toUpperCase(Locale.ROOT);
        return !t.contains("INT") && (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT"));
    }

    public static String postgresType(String declaredType) {
        String t = declaredType == null ? "" : declaredType.trim().toUpperCase(Locale.ROOT);
        if (t.isEmpty()) {
            return "text";
        }
        if (t.contains("INT")) {
            return "bigint";
        }
        if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) {
            return "text";
        }
        if (t.contains("BLOB")) {
            return "bytea";
        }
        if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
            return "double precision";
        }
        if (t.startsWith("BOOL")) {
            return "boolean";
        }
        if (t.startsWith("JSON")) {
            return "jsonb";
        }
        if (t.startsWith("NUMERIC") || t.startsWith("DECIMAL")) {
            return "numeric";
        }
        return "text";
    }
}
