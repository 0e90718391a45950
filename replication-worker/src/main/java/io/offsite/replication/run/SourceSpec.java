package io.offsite.replication.run;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One SQLite source and where it goes.
 *
 * @param name the configured name requests use
 * @param path the SQLite database file
 * @param tables tables to replicate; empty replicates every table of the file
 * @param watermarkColumn source column holding each row's change time; enables incremental runs
 * @param propagateDeletes delete target rows whose key is gone from SQLite
 * @param targetSchema PostgreSQL schema of the target tables
 * @param labels how progress lines name each table's rows ({@code pokemon_cards: cards}); default the table name
 */
public record SourceSpec(String name, Path path, List<String> tables, Optional<String> watermarkColumn,
                         boolean propagateDeletes, String targetSchema, Map<String, String> labels) {

    public SourceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(path, "path");
        tables = List.copyOf(tables);
        Objects.requireNonNull(watermarkColumn, "watermarkColumn");
        targetSchema = targetSchema == null || targetSchema.isBlank() ? "public" : targetSchema;
        labels = Map.copyOf(labels);
    }

    public String label(String table) {
        return labels.getOrDefault(table, table);
    }
}
