package io.offsite.scheduler.runs;

import io.offsite.scheduler.cron.CronSchedule;
import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the scheduler decides from its {@link SchedulerState}: the next thing to publish at an instant
 * ({@link #nextAction}) and the answer to a manual trigger ({@link #trigger}). Neither folds what it decides: the
 * caller publishes the resulting event and folds it back in, so a failed publish changes nothing.
 *
 * <p>Not thread-safe; {@link Scheduler} serialises access.
 */
final class Decisions {

    /** Upper bound of missed cron fires counted one by one after a long downtime. */
    private static final int MISSED_COUNT_LIMIT = 10_000;

    private final SchedulerState state;
    private final SchedulerPolicy policy;

    Decisions(SchedulerState state) {
        this.state = state;
        this.policy = state.policy;
    }

    /**
     * The next thing to do at {@code now}, or empty when nothing is due. Order: declare overdue runs
     * TIMED_OUT (which may free an exclusive job), retries, dependency triggers, cron fires.
     */
    Optional<Action> nextAction(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        for (Set<String> active : state.activeRuns.values()) {
            for (String runId : active) {
                Run run = state.runs.get(runId);
                Attempt latest = run.latest();
                if (run.retryDueAt == null && latest != null && latest.completion == null && latest.deadline() != null
                        && !at.isBefore(latest.deadline().plus(policy.timeoutGrace()))) {
                    return Optional.of(new Action.Conclude(Verdicts.timedOut(policy, run, latest, at), Action.Reason.TIMED_OUT));
                }
            }
        }
        for (Set<String> active : state.activeRuns.values()) {
            for (String runId : active) {
                Run run = state.runs.get(runId);
                if (run.retryDueAt != null && !at.isBefore(run.retryDueAt)) {
                    Optional<JobDefinition> definition = state.catalog.find(run.jobName);
                    Requested template = run.firstRequest();
                    if (definition.isPresent() && template != null) {
                        return Optional.of(new Action.Dispatch(retry(run, template, definition.get(), at), 0));
                    }
                }
            }
        }
        for (PendingTrigger pending : state.pendingDependencies.values()) {
            JobDefinition job = state.catalog.find(pending.jobName()).orElseThrow();
            if (pending.upstreamFinishedAt().isBefore(at.minus(policy.missedFireGrace()))) {
                state.pendingDependencies.remove(pending.runId());
                return Optional.of(new Action.Drop(pending.jobName(), pending.runId(), pending.upstreamFinishedAt()));
            }
            return Optional.of(dispatchOrSkip(job, pending.runId(), Trigger.DEPENDENCY, pending.scheduledFor(),
                    pending.upstreamRunId(), policy.identity(), job.parameters(), at, 0));
        }
        for (JobDefinition job : state.catalog.all()) {
            CronSchedule schedule = job.schedule();
            if (!job.enabled() || schedule == null) {
                continue;
            }
            Instant after = state.lastFire.containsKey(job.name())
                    ? state.lastFire.get(job.name())
                    : state.cronBaseline.computeIfAbsent(job.name(), k -> at);
            CronSchedule.Due due = schedule.due(after, at, MISSED_COUNT_LIMIT);
            if (due == null) {
                continue;
            }
            String runId = RunIds.of(job.name(), due.latest());
            if (due.latest().isBefore(at.minus(policy.missedFireGrace()))) {
                int missed = due.earlierMissed() + 1;
                String message = missed + " fire(s) missed up to " + due.latest() + ": older than the grace period of "
                        + policy.missedFireGrace() + " when the scheduler could act at " + at;
                return Optional.of(new Action.Conclude(
                        Verdicts.skipped(policy, job, runId, due.latest(), at, message), Action.Reason.MISSED));
            }
            return Optional.of(dispatchOrSkip(job, runId, Trigger.SCHEDULE, due.latest(), null, policy.identity(),
                    job.parameters(), at, due.earlierMissed()));
        }
        return Optional.empty();
    }

    /**
     * A manual trigger of {@code jobName} at {@code now}: a request, or a SKIPPED completion when the
     * job is exclusive and already running.
     */
    Action trigger(String jobName, Map<String, String> parameters, String requestedBy, Instant now) {
        JobDefinition job = state.catalog.find(jobName).orElseThrow(() -> new UnknownJobException(jobName));
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> merged = new TreeMap<>(job.parameters());
        if (parameters != null) {
            merged.putAll(parameters);
        }
        if (state.runs.containsKey(RunIds.of(jobName, at))) {
            return new Action.AlreadyRequested(jobName, RunIds.of(jobName, at));
        }
        return dispatchOrSkip(job, RunIds.of(jobName, at), Trigger.MANUAL, at, null,
                requestedBy == null ? policy.identity() : requestedBy, merged, at, 0);
    }

    private Action dispatchOrSkip(JobDefinition job, String runId, Trigger trigger, Instant scheduledFor,
            String causation, String requestedBy, Map<String, String> parameters, Instant at, int missedBefore) {
        if (job.exclusive()) {
            Optional<String> running = state.activeRuns.getOrDefault(job.name(), Set.of()).stream()
                    .filter(id -> !id.equals(runId)).findFirst();
            if (running.isPresent()) {
                return new Action.Conclude(Verdicts.skipped(policy, job, runId, scheduledFor, at,
                        "already running: " + running.get()), Action.Reason.ALREADY_RUNNING);
            }
        }
        Requested request = new Requested(runId, job.name(), job.type().name(), 1, job.maxAttempts(), trigger,
                Verdicts.millis(scheduledFor), at, Verdicts.millis(at.plus(job.timeout())), causation, requestedBy,
                new TreeMap<>(parameters));
        return new Action.Dispatch(request, missedBefore);
    }

    /** The next attempt of a run: what to run comes from the job's definition, only the parameters from its request. */
    private Requested retry(Run run, Requested template, JobDefinition job, Instant at) {
        return new Requested(template.runId(), job.name(), job.type().name(), run.latest().number + 1,
                job.maxAttempts(), Trigger.RETRY, template.scheduledFor(), at, Verdicts.millis(at.plus(job.timeout())),
                run.runId, policy.identity(), template.parameters());
    }
}
