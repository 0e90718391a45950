package io.offsite.replication.run;

import java.time.Duration;
import java.util.Objects;

/**
 * How the engine moves rows.
 *
 * @param batchSize rows per batch: the unit of progress lines and failure isolation (the original's 100)
 * @param unitBatches batches per round trip (one COPY and one upsert statement)
 * @param touchColumn target column set to {@code now()} when a row is inserted or changes
 * @param loggedFailures how many refused rows are logged and reported with their key and reason
 * @param detailedBatches how many first batches of a table get a progress line each
 * @param progressInterval how often a long table logs progress after its first batches
 * @param compareInMemoryBytes a full run into a target table up to this size (as {@code pg_table_size} counts it)
 *        reads the table whole to compare its rows with; larger tables are looked up unit by unit; 0 always looks up
 */
public record EngineSettings(int batchSize, int unitBatches, String touchColumn, int loggedFailures, int detailedBatches,
                             Duration progressInterval, long compareInMemoryBytes) {

    /** The default of {@code compareInMemoryBytes}; the heap holds at most twice as much text while a table is compared. */
    public static final long COMPARE_IN_MEMORY_BYTES = 32L << 20;

    public EngineSettings {
        if (batchSize < 1 || unitBatches < 1 || loggedFailures < 0 || detailedBatches < 0 || compareInMemoryBytes < 0) {
            throw new IllegalArgumentException("batchSize and unitBatches must be >= 1, loggedFailures, detailedBatches and "
                    + "compareInMemoryBytes >= 0");
        }
        Objects.requireNonNull(touchColumn, "touchColumn");
        Objects.requireNonNull(progressInterval, "progressInterval");
    }

    public static EngineSettings defaults() {
        return new EngineSettings(100, 100, "updated_at", 10, 2, Duration.ofSeconds(10), COMPARE_IN_MEMORY_BYTES);
    }

    public EngineSettings withUnitBatches(int batches) {
        return new EngineSettings(batchSize, batches, touchColumn, loggedFailures, detailedBatches, progressInterval, compareInMemoryBytes);
    }

    public EngineSettings withCompareInMemoryBytes(long bytes) {
        return new EngineSettings(batchSize, unitBatches, touchColumn, loggedFailures, detailedBatches, progressInterval, bytes);
    }
}
