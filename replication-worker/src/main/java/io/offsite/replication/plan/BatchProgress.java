package io.offsite.replication.plan;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides the progress lines of one table, as the original printed them: the first batches one by one
 * ({@code Batch 1/150: 100 cards synced}), then {@code ... (148 more batches)}, then one line per interval on long
 * tables. A batch with failed rows always gets its own line.
 */
public final class BatchProgress {

    private final long batches;
    private final String label;
    private final int detailed;
    private final Duration interval;
    private final Clock clock;
    private Instant lastLine;
    private long synced;
    private long failed;

    public BatchProgress(long batches, String label, int detailed, Duration interval, Clock clock) {
        if (detailed < 0) {
            throw new IllegalArgumentException("detailed must be >= 0");
        }
        this.batches = batches;
        this.label = label;
        this.detailed = detailed;
        this.interval = interval;
        this.clock = clock;
        this.lastLine = clock.instant();
    }

    /** Records a finished batch (1-based) and returns the lines to print for it, often none. */
    public List<String> batchDone(long batch, long batchSynced, long batchFailed) {
        synced += batchSynced;
        failed += batchFailed;
        List<String> lines = new ArrayList<>(2);
        if (batchFailed > 0) {
            lines.add(String.format("  Batch %d/%d: %d %s synced, %d failed", batch, batches, batchSynced, label, batchFailed));
            lastLine = clock.instant();
        } else if (batch <= detailed) {
            lines.add(String.format("  Batch %d/%d: %d %s synced", batch, batches, batchSynced, label));
            lastLine = clock.instant();
        } else if (!clock.instant().isBefore(lastLine.plus(interval)) && batch < batches) {
            lines.add(String.format("  Batch %d/%d: %d %s synced so far (%d%%)", batch, batches, synced, label, batch * 100 / batches));
            lastLine = clock.instant();
        }
        if (batch == detailed && batches > detailed) {
            lines.add(String.format("  ... (%d more batches)", batches - detailed));
        }
        return lines;
    }

    public long synced() {
        return synced;
    }

    public long failed() {
        return failed;
    }
}
