package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/** The completions the scheduler itself decides: SKIPPED (already running, missed) and TIMED_OUT. */
final class Verdicts {

    private Verdicts() {
    }

    static Completed skipped(SchedulerPolicy policy, JobDefinition job, String runId, Instant scheduledFor, Instant at,
            String message) {
        return new Completed(runId, job.name(), job.type().name(), 1, RunStatus.SKIPPED, false, null, millis(at),
                policy.identity(), null, List.of(), Map.of(), message, millis(scheduledFor), List.of());
    }

    static Completed timedOut(SchedulerPolicy policy, Run run, Attempt attempt, Instant at) {
        // a run found overdue long after the fact (e.g. history read by a new deployment) is closed, not retried
        boolean stale = at.isAfter(attempt.deadline().plus(policy.timeoutGrace()).plus(policy.missedFireGrace()));
        String message = "no completion by deadline " + attempt.deadline() + " plus grace " + policy.timeoutGrace()
                + (stale ? "; noticed too late to retry" : "");
        return new Completed(run.runId, run.jobName, run.jobType == null ? "UNKNOWN" : run.jobType, attempt.number,
                RunStatus.TIMED_OUT, !stale, attempt.started == null ? null : millis(attempt.started.startedAt()),
                millis(at), policy.identity(), new Completed.Error("DEADLINE_EXCEEDED", message), List.of(), Map.of(),
                message, millis(run.scheduledFor), List.of());
    }

    /** An instant as an event carries it: to the millisecond (null stays null). */
    static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }
}
