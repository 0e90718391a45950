package io.offsite.replication.plan;

import java.util.List;
import java.util.stream.Collectors;

/** Identifier quoting. Every name that reaches SQL goes through here; values never do (they travel as COPY data or parameters). */
public final class Sql {

    private Sql() {
    }

    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a valid identifier: " + identifier);
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    public static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    public static String list(List<String> identifiers) {
        return identifiers.stream().map(Sql::quote).collect(Collectors.joining(", "));
    }

    public static String list(String alias, List<String> identifiers) {
        return identifiers.stream().map(c -> alias + "." + quote(c)).collect(Collectors.joining(", "));
    }

    /** A row constructor usable with IS DISTINCT FROM, also for a single column. */
    public static String row(String alias, List<String> identifiers) {
        return "ROW(" + list(alias, identifiers) + ")";
    }
}
