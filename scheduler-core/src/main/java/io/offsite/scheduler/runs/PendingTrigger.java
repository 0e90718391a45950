package io.offsite.scheduler.runs;

import java.time.Instant;

/** A dependent run owed because its upstream job succeeded, not yet requested. */
record PendingTrigger(String runId, String jobName, String upstreamRunId, Instant scheduledFor, Instant upstreamFinishedAt) {
}
