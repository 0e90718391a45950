package io.offsite.scheduler.runs;

/** Where a run stands, as seen on the topics. The terminal values mirror {@code JobStatus}. */
public enum RunStatus {
    REQUESTED, RUNNING, RETRY_PENDING,
    SUCCEEDED, PARTIALLY_FAILED, FAILED, TIMED_OUT, SKIPPED, REJECTED;

    public boolean active() {
        return this == REQUESTED || this == RUNNING || this == RETRY_PENDING;
    }
}
