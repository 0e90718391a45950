package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The terminal outcome of an attempt, reported by a worker or decided here: the fields of a {@code JobCompleted}
 * event.
 *
 * @param status       a terminal status: SUCCEEDED, PARTIALLY_FAILED, FAILED, TIMED_OUT, SKIPPED or REJECTED
 * @param startedAt    null when the attempt never started
 * @param error        null when there is none
 * @param message      null when there is none
 * @param scheduledFor null when the event does not say
 * @param deletedKeys  the object keys the run deleted, as the event lists them (bounded and checked by the reader)
 */
public record Completed(String runId, String jobName, String jobType, int attempt, RunStatus status, boolean retryable,
        Instant startedAt, Instant finishedAt, String worker, Error error, List<Artifact> artifacts,
        Map<String, Long> stats, String message, Instant scheduledFor, List<String> deletedKeys) {

    /** Why an attempt failed. */
    public record Error(String type, String message) {
    }

    /** An object a run stored. {@code sourceSha256} is null when not reported. */
    public record Artifact(String bucket, String key, long sizeBytes, String sha256, long sourceBytes, String compression,
            String sourceSha256) {
    }
}
