package io.offsite.replication.plan;

import java.util.Objects;

/**
 * One column of a source table as SQLite declares it.
 *
 * @param name column name, as declared
 * @param declaredType the declared type (may be empty: SQLite columns need none)
 * @param notNull whether SQLite enforces NOT NULL
 */
public record Column(String name, String declaredType, boolean notNull) {

    public Column {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a column needs a name");
        }
        declaredType = declaredType == null ? "" : declaredType;
    }
}
