package io.offsite.replication.plan;

/**
 * The original's batch accounting: rows are counted, reported and isolated in batches of {@code batchSize}, while
 * they travel to PostgreSQL in units of up to {@code unitBatches} batches (one COPY and one upsert per unit).
 *
 * <p>The first units are smaller ({@value #FIRST_UNIT_BATCHES} batches, doubling up to {@code unitBatches}), so that a
 * unit that PostgreSQL refuses early is retried cheaply, and the last ones no larger than an eighth of the table.
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

    /** Batches in the first unit of a table, unless {@code unitBatches} is smaller. */
    public static final int FIRST_UNIT_BATCHES = 10;

    /** Rows in the largest unit. */
    public int unitRows() {
        return (int) Math.min(Integer.MAX_VALUE, (long) batchSize * unitBatches);
    }

    /**
     * Rows in the 0-based {@code index}-th unit: a whole number of batches, doubling from the first unit's size up to
     * {@code unitBatches}, and to no more than an eighth of the table: what PostgreSQL does with the last unit (its
     * upsert) follows the end of reading, so the last unit is kept small against the whole.
     */
    public int unitRows(int index) {
        long first = Math.min(FIRST_UNIT_BATCHES, unitBatches);
        long largest = Math.max(first, Math.min(unitBatches, (batches() + 7) / 8));
        long batches = first;
        for (int i = 0; i < index && batches < largest; i++) {
            batches = Math.min(largest, batches * 2);
        }
        return (int) Math.min(Integer.MAX_VALUE, batchSize * batches);
    }

    /** 1-based number of the batch holding the row at 0-based position {@code row}. */
    public long batchOf(long row) {
        return row / batchSize + 1;
    }
}
