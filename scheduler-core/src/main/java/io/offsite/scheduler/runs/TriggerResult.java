package io.offsite.scheduler.runs;

/** The answer to a manual trigger: the run id and whether it was dispatched or skipped. */
public record TriggerResult(String runId, String job, boolean dispatched, String reason) {
}
