package io.offsite.replication.plan;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A source table: its columns in declaration order, its primary key and the tables its foreign keys reference.
 */
public record TableSchema(String name, List<Column> columns, List<String> primaryKey, Set<String> parents) {

    public TableSchema {
        Objects.requireNonNull(name, "name");
        columns = List.copyOf(columns);
        primaryKey = List.copyOf(primaryKey);
        parents = Set.copyOf(parents);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no columns");
        }
        for (String key : primaryKey) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new IllegalArgumentException("primary key column " + key + " is not a column of " + name);
            }
        }
    }

    public boolean hasPrimaryKey() {
        return !primaryKey.isEmpty();
    }

    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    public List<String> columnNames() {
        return columns.stream().map(Column::name).toList();
    }
}
