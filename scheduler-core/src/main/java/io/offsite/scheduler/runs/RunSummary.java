package io.offsite.scheduler.runs;

import java.time.Instant;

/** A run in one line: for listings. */
public record RunSummary(
        String runId,
        String job,
        String type,
        RunStatus status,
        String trigger,
        int attempts,
        Instant scheduledFor,
        Instant requestedAt,
        Instant finishedAt,
        boolean gaveUp) {
}
