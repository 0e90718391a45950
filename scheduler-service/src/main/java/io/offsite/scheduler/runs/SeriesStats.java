package io.offsite.scheduler.runs;

import java.time.Instant;

/** Backups of one series (the {@code source} parameter of backup runs) as reported by their completions. */
public record SeriesStats(String series, int count, long totalSizeBytes, Instant oldest, Instant newest) {
}
