package io.offsite.replication.plan;

/**
 * The original's batch accounting: rows are counted, reported and isolated in batches of {@code batchSize}, while
 * they travel to PostgreSQL in units of up to {@code unitBatches} batches (one COPY and one upsert per unit).
 *
 * <p>The first units are smaller ({@value #FIRST_UNIT_BATCHES} batches, doubling up to {@code unitBatches}), so that
 * PostgreSQL gets rows within milliseconds instead of waiting for a whole unit to be read: reading and writing
 * overlap from the start, which is most of the difference on small tables.
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

    /** Rows in the 0-based {@code index}-th unit: a whole number of batches, doubling from the first unit's size. */
    public int unitRows(int index) {
        long batches = Math.min(FIRST_UNIT_BATCHES, unitBatches);
        for (int i = 0; i < index && batches < unitBatches; i++) {
            batches = Math.min(unitBatches, batches * 2);
        }
        return (int) Math.min(Integer.MAX_VALUE, batchSize * batches);
    }

    /** 1-based number of the batch holding the row at 0-based position {@code row}. */
    public long batchOf(long row) {
        return row / batchSize + 1;
    }
}
