package io.offsite.replication.plan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How one source table lands in PostgreSQL: which columns travel, which exist on one side only, and the SQL that
 * creates, stages, upserts and deletes. Pure: built from the SQLite schema and the target's columns as read.
 *
 * @param source the SQLite table
 * @param targetSchema PostgreSQL schema of the target table
 * @param targetColumns the existing target table's columns and types, empty when the table does not exist yet
 * @param touchColumn the target column set to {@code now()} when a row is inserted or changes (the original's
 *        {@code updated_at}); never copied from the source, where a column of that name is the change time
 * @param stageName name of the temporary staging table for this table
 */
public record TablePlan(TableSchema source, String targetSchema, Map<String, String> targetColumns, String touchColumn,
                        String stageName) {

    public TablePlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(targetSchema, "targetSchema");
        targetColumns = Map.copyOf(new LinkedHashMap<>(targetColumns));
        Objects.requireNonNull(touchColumn, "touchColumn");
        Objects.requireNonNull(stageName, "stageName");
        if (!source.hasPrimaryKey()) {
            throw new IllegalArgumentException("table " + source.name() + " has no primary key, so rows cannot be matched for an upsert");
        }
    }

    public String table() {
        return source.name();
    }

    public String target() {
        return Sql.qualified(targetSchema, source.name());
    }

    public boolean targetExists() {
        return !targetColumns.isEmpty();
    }

    /** Columns copied from SQLite: the primary key, then the value columns. */
    public List<String> columns() {
        List<String> cols = new ArrayList<>(keyColumns());
        cols.addAll(valueColumns());
        return cols;
    }

    public List<String> keyColumns() {
        return source.primaryKey();
    }

    /** Non-key columns present on both sides (or all, for a table still to create), in source order; never the touch column. */
    public List<String> valueColumns() {
        return source.columns().stream().map(Column::name)
                .filter(c -> !c.equals(touchColumn) && !source.primaryKey().contains(c))
                .filter(c -> !targetExists() || targetColumns.containsKey(c))
                .toList();
    }

    /** Source columns the existing target table lacks: reported, not copied. */
    public List<String> sourceOnlyColumns() {
        if (!targetExists()) {
            return List.of();
        }
        return source.columns().stream().map(Column::name)
                .filter(c -> !c.equals(touchColumn) && !targetColumns.containsKey(c)).toList();
    }

    /** Target columns the source lacks (apart from the touch column): reported, left to their defaults. */
    public List<String> targetOnlyColumns() {
        return targetColumns.keySet().stream().filter(c -> !c.equals(touchColumn) && source.column(c).isEmpty()).sorted().toList();
    }

    /** Key columns missing from the existing target: the table cannot be upserted. */
    public List<String> missingKeyColumns() {
        if (!targetExists()) {
            return List.of();
        }
        return source.primaryKey().stream().filter(c -> !targetColumns.containsKey(c)).toList();
    }

    public boolean needsTouchColumn() {
        return targetExists() && !targetColumns.containsKey(touchColumn);
    }

    /** Whether the source has a column named like the touch column (its change time, not copied). */
    public boolean sourceHasTouchColumn() {
        return source.column(touchColumn).isPresent();
    }

    public String createTableSql() {
        List<String> defs = new ArrayList<>();
        for (Column c : source.columns()) {
            if (c.name().equals(touchColumn)) {
                continue;
            }
            boolean notNull = c.notNull() || source.primaryKey().contains(c.name());
            defs.add(Sql.quote(c.name()) + " " + TypeMapping.postgresType(c.declaredType()) + (notNull ? " NOT NULL" : ""));
        }
        defs.add(touchColumnDefinition());
        defs.add("PRIMARY KEY (" + Sql.list(source.primaryKey()) + ")");
        return "CREATE TABLE IF NOT EXISTS " + target() + " (\n  " + String.join(",\n  ", defs) + "\n)";
    }

    public String addTouchColumnSql() {
        return "ALTER TABLE " + target() + " ADD COLUMN IF NOT EXISTS " + touchColumnDefinition();
    }

    private String touchColumnDefinition() {
        return Sql.quote(touchColumn) + " timestamptz NOT NULL DEFAULT now()";
    }

    public String createStageSql() {
        return "CREATE TEMP TABLE " + Sql.quote(stageName) + " ON COMMIT DROP AS SELECT " + Sql.list(columns())
                + " FROM " + target() + " WITH NO DATA";
    }

    public String truncateStageSql() {
        return "TRUNCATE " + Sql.quote(stageName);
    }

    public String copyIntoStageSql() {
        return "COPY " + Sql.quote(stageName) + " (" + Sql.list(columns()) + ") FROM STDIN";
    }

    /** COPY straight into the target, for a target that was empty when the run began. */
    public String copyIntoTargetSql() {
        return "COPY " + target() + " (" + Sql.list(columns()) + ") FROM STDIN";
    }

    /**
     * Upserts the staged rows: new rows are inserted, changed rows updated with the touch column set to {@code now()},
     * unchanged rows are filtered out before they reach the conflict clause, so they are neither rewritten nor locked.
     * Each staged row looks its target row up through the key index ({@code OFFSET 0} keeps the planner from turning the
     * lookup into a join that reads and hashes the whole target for every unit), so a unit costs what it holds, whatever
     * the size of the target. Returns one row: (inserted, updated).
     */
    public String upsertSql() {
        return upsert("", Sql.quote(stageName) + " s");
    }

    /**
     * The same upsert for {@code rows} rows given as parameters (one per copied column and row, as text), without a
     * staging table: what small units (an incremental run's few changed rows) take, one round trip instead of three.
     * Each parameter is cast to its column's type without modifiers ({@code castTypes}, as the server names them), so a
     * value too long for a {@code varchar(n)} fails as it would in COPY instead of being cut.
     */
    public String upsertValuesSql(int rows, Map<String, String> castTypes) {
        List<String> cols = columns();
        String row = "(" + String.join(", ", cols.stream().map(c -> "CAST(? AS " + Objects.requireNonNull(castTypes.get(c), c) + ")").toList()) + ")";
        return upsert("s (" + Sql.list(cols) + ") AS (VALUES " + String.join(", ", java.util.Collections.nCopies(rows, row)) + "),\n", "s");
    }

    private String upsert(String before, String from) {
        List<String> cols = columns();
        List<String> keys = keyColumns();
        List<String> values = valueColumns();
        String match = String.join(" AND ", keys.stream().map(k -> "x." + Sql.quote(k) + " = s." + Sql.quote(k)).toList());
        List<String> compared = new ArrayList<>(keys);
        compared.addAll(values);
        String firstKey = Sql.quote(keys.get(0));
        StringBuilder sql = new StringBuilder();
        sql.append("WITH ").append(before).append("written AS (\n")
                .append("  INSERT INTO ").append(target()).append(" AS t (").append(Sql.list(cols)).append(", ").append(Sql.quote(touchColumn)).append(")\n")
                .append("  SELECT ").append(Sql.list("s", cols)).append(", now()\n")
                .append("  FROM ").append(from).append("\n")
                .append("  LEFT JOIN LATERAL (SELECT ").append(Sql.list("x", compared)).append(" FROM ").append(target())
                .append(" x WHERE ").append(match).append(" OFFSET 0) d ON true\n")
                .append("  WHERE d.").append(firstKey).append(" IS NULL");
        if (!values.isEmpty()) {
            sql.append(" OR ").append(Sql.row("d", values)).append(" IS DISTINCT FROM ").append(Sql.row("s", values));
        }
        sql.append("\n  ON CONFLICT (").append(Sql.list(keys)).append(") DO ");
        if (values.isEmpty()) {
            sql.append("NOTHING");
        } else {
            sql.append("UPDATE SET ");
            for (String v : values) {
                sql.append(Sql.quote(v)).append(" = EXCLUDED.").append(Sql.quote(v)).append(", ");
            }
            sql.append(Sql.quote(touchColumn)).append(" = now()\n")
                    .append("  WHERE ").append(Sql.row("t", values)).append(" IS DISTINCT FROM ").append(Sql.row("EXCLUDED", values));
        }
        sql.append("\n  RETURNING (xmax = 0) AS inserted\n)\n")
                .append("SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM written");
        return sql.toString();
    }

    /**
     * The target rows with the keys given as text arrays (one parameter per key column, positions matching), each as
     * its position in those arrays (1-based) followed by every copied column as PostgreSQL prints it: what a full run
     * compares its rows against ({@link RowMatch}) before sending any. Keys with no target row return nothing. Each
     * key is looked up through the key index, as in {@link #upsertSql()}.
     */
    public String targetRowsSql(Map<String, String> castTypes) {
        List<String> keys = keyColumns();
        List<String> aliases = new ArrayList<>();
        List<String> match = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            String alias = "key" + (i + 1);
            aliases.add(alias);
            String key = keys.get(i);
            match.add("t." + Sql.quote(key) + " = CAST(k." + alias + " AS " + Objects.requireNonNull(castTypes.get(key), key) + ")");
        }
        String printed = String.join(", ", columns().stream().map(c -> "CAST(x." + Sql.quote(c) + " AS text)").toList());
        return "SELECT k.ord, " + printed + "\n"
                + "FROM unnest(" + String.join(", ", java.util.Collections.nCopies(keys.size(), "CAST(? AS text[])")) + ") WITH ORDINALITY AS k("
                + String.join(", ", aliases) + ", ord)\n"
                + "CROSS JOIN LATERAL (SELECT " + Sql.list(columns()) + " FROM " + target() + " t WHERE " + String.join(" AND ", match)
                + " OFFSET 0) x";
    }

    /** The target's copied columns of every row as COPY text: what a full run reads when it compares in memory. */
    public String targetCopySql() {
        return "COPY (SELECT " + Sql.list(columns()) + " FROM " + target() + ") TO STDOUT";
    }

    public String keysTableName() {
        return stageName + "_keys";
    }

    public String createKeysSql() {
        return "CREATE TEMP TABLE " + Sql.quote(keysTableName()) + " ON COMMIT DROP AS SELECT " + Sql.list(keyColumns())
                + " FROM " + target() + " WITH NO DATA";
    }

    public String copyKeysSql() {
        return "COPY " + Sql.quote(keysTableName()) + " (" + Sql.list(keyColumns()) + ") FROM STDIN";
    }

    /** Deletes target rows whose key is no longer in the source (all source keys were copied into the keys table). */
    public String deleteMissingSql() {
        String match = String.join(" AND ", keyColumns().stream().map(k -> "k." + Sql.quote(k) + " = t." + Sql.quote(k)).toList());
        return "DELETE FROM " + target() + " t WHERE NOT EXISTS (SELECT 1 FROM " + Sql.quote(keysTableName()) + " k WHERE " + match + ")";
    }

    /** The SQLite query reading this table's copied columns, optionally only rows at or after a watermark ({@code ?}). */
    public String sourceSelectSql(Optional<String> watermarkColumn) {
        return sourceSelectSql(watermarkColumn, Optional.empty());
    }

    /** As {@link #sourceSelectSql(Optional)}, each row followed by the value of {@code alsoRead} when given. */
    public String sourceSelectSql(Optional<String> watermarkColumn, Optional<String> alsoRead) {
        String sql = "SELECT " + Sql.list(columns()) + alsoRead.map(c -> ", " + Sql.quote(c)).orElse("") + " FROM " + Sql.quote(source.name());
        return watermarkColumn.map(w -> sql + " WHERE " + Sql.quote(w) + " >= ?").orElse(sql);
    }

    /** Which of {@link #columns()} SQLite stores as text (read as raw UTF-8, without decoding). */
    public boolean[] textColumns() {
        List<String> cols = columns();
        boolean[] text = new boolean[cols.size()];
        for (int i = 0; i < text.length; i++) {
            text[i] = source.column(cols.get(i)).map(c -> TypeMapping.hasTextAffinity(c.declaredType())).orElse(false);
        }
        return text;
    }

    /**
     * One scan returning the rows a run reads (those at or after the watermark {@code ?} when {@code filter} is set)
     * and the table's highest watermark (NULL without a watermark column).
     */
    public String sourceExtentSql(Optional<String> filter, Optional<String> watermarkColumn) {
        String count = filter.map(w -> "count(*) FILTER (WHERE " + Sql.quote(w) + " >= ?)").orElse("count(*)");
        String max = watermarkColumn.map(w -> "max(" + Sql.quote(w) + ")").orElse("NULL");
        return "SELECT " + count + ", " + max + " FROM " + Sql.quote(source.name());
    }

    /**
     * One scan for an incremental run: at most {@code limit} rows at or after the watermark {@code ?}, each followed by
     * its watermark, the number of those rows and the highest watermark among them (the table's highest, as every row above the old
     * watermark is among them). When the count reaches {@code limit}, more rows may have changed than were returned.
     */
    public String sourceChangesSql(String watermarkColumn, int limit) {
        List<String> cols = columns();
        String mark = Sql.quote("offsite watermark");
        return "SELECT " + Sql.list(cols) + ", " + mark + ", count(*) OVER (), max(" + mark + ") OVER () FROM (SELECT " + Sql.list(cols) + ", "
                + Sql.quote(watermarkColumn) + " AS " + mark + " FROM " + Sql.quote(source.name()) + " WHERE " + Sql.quote(watermarkColumn)
                + " >= ? LIMIT " + limit + ")";
    }

    public String sourceKeysSql() {
        return "SELECT " + Sql.list(keyColumns()) + " FROM " + Sql.quote(source.name());
    }
}
