package io.offsite.replication.plan;

import java.util.List;

/**
 * Consecutive rows of one unit as the SQLite reader hands them to the PostgreSQL writer: their keys (for failure
 * reports) and their COPY lines; {@code endsUnit} on the last chunk of a unit.
 */
public record RowChunk(List<Object[]> rows, List<byte[]> lines, boolean endsUnit) {
}
