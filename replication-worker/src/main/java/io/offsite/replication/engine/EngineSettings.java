package io.offsite.replication.engine;

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
 */
public record EngineSettings(int batchSize, int unitBatches, String touchColumn, int loggedFailures, int detailedBatches,
                             Duration progressInterval) {

    public EngineSettings {
        if (batchSize < 1 || unitBatches < 1 || loggedFailures < 0 || detailedBatches < 0) {
            throw new IllegalArgumentException("batchSize and unitBatches must be >= 1, loggedFailures and detailedBatches >= 0");
        }
        Objects.requireNonNull(touchColumn, "touchColumn");
        Objects.requireNonNull(progressInterval, "progressInterval");
    }

    public static EngineSettings defaults() {
        return new EngineSettings(100, 100, "updated_at", 10, 2, Duration.ofSeconds(10));
    }

    public EngineSettings withUnitBatches(int batches) {
        return new EngineSettings(batchSize, batches, touchColumn, loggedFailures, detailedBatches, progressInterval);
    }
}
