package io.offsite.replication.plan;

/**
 * The original's batch accounting: rows are counted, reported and isolated in batches of {@code batchSize}, while
 * they travel to PostgreSQL in units of {@code unitBatches} batches (one COPY and one upsert per unit).
 */
public record BatchPlan(long totalRows, int batchSize, int unitBatches) {

    public BatchPlan {
        if (totalRows < 0) {
            throw new IllegalArgumentException("totalRows must be >= 0");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        if (unitBatches < 1) {
            throw new IllegalArgumentException("unitBatches must be >= 1");
        }
    }

    public long batches() {
        return (totalRows + batchSize - 1) / batchSize;
    }

    public int unitRows() {
        return (int) Math.min(Integer.MAX_VALUE, (long) batchSize * unitBatches);
    }

    /** 1-based number of the batch holding the row at 0-based position {@code row}. */
    public long batchOf(long row) {
        return row / batchSize + 1;
    }
}
