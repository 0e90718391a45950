package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Instant;

/** A job definition with what the scheduler knows about its runs. */
public record JobView(JobDefinition definition, Instant nextFireAt, Instant lastFireAt, RunSummary lastRun, Instant lastSuccessAt) {
}
