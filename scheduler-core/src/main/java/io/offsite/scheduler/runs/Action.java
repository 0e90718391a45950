package io.offsite.scheduler.runs;

import java.time.Instant;

/** One thing the scheduler decided to do now. Executing it publishes at most one event. */
public sealed interface Action {

    String jobName();

    String runId();

    /** Publish a request. {@code missedBefore} counts earlier cron fires this one stands in for. */
    record Dispatch(Requested request, int missedBefore) implements Action {
        public String jobName() {
            return request.jobName();
        }

        public String runId() {
            return request.runId();
        }
    }

    /** Publish a completion the scheduler itself decides: SKIPPED (already running, missed) or TIMED_OUT. */
    record Conclude(Completed completion, Reason reason) implements Action {
        public String jobName() {
            return completion.jobName();
        }

        public String runId() {
            return completion.runId();
        }
    }

    /** Nothing to publish: a dependency trigger too old to act on was dropped. */
    record Drop(String jobName, String runId, Instant upstreamFinishedAt) implements Action {
    }

    /** Nothing to publish: a manual trigger named a run that was already requested (same job, same millisecond). */
    record AlreadyRequested(String jobName, String runId) implements Action {
    }

    enum Reason { ALREADY_RUNNING, MISSED, TIMED_OUT }
}
