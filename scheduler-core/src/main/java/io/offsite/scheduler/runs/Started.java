package io.offsite.scheduler.runs;

import java.time.Instant;

/**
 * A worker started an attempt: the fields of a {@code JobStarted} event.
 *
 * @param jobType  null when the event does not say
 * @param deadline null when the event does not say
 */
public record Started(String runId, String jobName, String jobType, int attempt, Instant startedAt, String worker,
        Instant deadline) {
}
