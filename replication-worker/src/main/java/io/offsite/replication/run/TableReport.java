package io.offsite.replication.run;

import java.time.Duration;
import java.util.List;

/**
 * What happened to one table.
 *
 * @param table table name
 * @param label how progress lines call its rows ({@code cards})
 * @param incremental whether only rows changed since the stored watermark were read
 * @param read rows read from SQLite
 * @param replicated rows that landed in PostgreSQL (inserted, updated or already equal)
 * @param failed rows PostgreSQL refused
 * @param inserted new rows
 * @param updated changed rows rewritten
 * @param deleted target rows removed because they are gone from SQLite (only with deletion propagation)
 * @param sourceOnlyColumns SQLite columns the existing target table lacks (not copied)
 * @param targetOnlyColumns target columns SQLite lacks (left to their defaults)
 * @param took time spent on this table
 */
public record TableReport(String table, String label, boolean incremental, long read, long replicated, long failed,
                          long inserted, long updated, long deleted, List<String> sourceOnlyColumns,
                          List<String> targetOnlyColumns, Duration took) {

    public TableReport {
        sourceOnlyColumns = List.copyOf(sourceOnlyColumns);
        targetOnlyColumns = List.copyOf(targetOnlyColumns);
    }

    public long unchanged() {
        return replicated - inserted - updated;
    }
}
