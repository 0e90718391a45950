package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the scheduler knows, folded from the events seen on the topics ({@link #onRequested}, {@link #onStarted},
 * {@link #onCompleted}), so every replica that reads the same topics knows the same things. {@link Decisions} and
 * {@link RunQueries} read it.
 *
 * <p>Every event comes from a shared bus and is untrusted: the catalog decides what it may change. Events of jobs
 * that are neither ours nor declared external, or whose type is not the catalog's, change nothing. A start or a
 * completion changes the scheduling state (active runs, exclusivity, retries, dependents, last success) only for a
 * run some request asked for; without one it is kept for the run history alone.
 *
 * <p>Not thread-safe; {@link Scheduler} serialises access.
 */
final class SchedulerState {

    /** Most runs of one job that are active at once; a flood of requests for one job forgets the oldest. */
    static final int ACTIVE_RUNS_PER_JOB_LIMIT = 100;
    /** Highest attempt number accepted for an external job, whose retries are not configured here. */
    static final int EXTERNAL_ATTEMPTS_LIMIT = 100;
    /** How far after the instant it is seen a fire may be dated: replicas' clocks differ by a little. */
    static final Duration FIRE_SKEW = Duration.ofSeconds(30);

    final JobCatalog catalog;
    final SchedulerPolicy policy;
    final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
    final Map<String, Set<String>> activeRuns = new HashMap<>();
    final Map<String, Instant> lastFire = new HashMap<>();
    final Map<String, Instant> cronBaseline = new HashMap<>();
    final TreeMap<String, PendingTrigger> pendingDependencies = new TreeMap<>();
    final Map<String, Instant> lastSuccess = new HashMap<>();
    final Map<String, String> lastRunOfJob = new HashMap<>();
    private final ConclusionListener conclusions;
    /** The runs of each job in the order first seen, and how many were dropped to bound memory. */
    final Map<String, JobHistory> histories = new HashMap<>();
    long droppedRuns;

    SchedulerState(JobCatalog catalog, SchedulerPolicy policy, ConclusionListener conclusions) {
        this.catalog = catalog;
        this.policy = policy;
        this.conclusions = conclusions;
    }

    /** The runs of one job, oldest first, and how many of its older runs were dropped. */
    static final class JobHistory {
        final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
        long dropped;
    }

    /** Folds a request seen at {@code seenAt}; returns why it was ignored, if it was. */
    Optional<Ignored> onRequested(Requested request, Instant seenAt) {
        Optional<JobDefinition> definition = catalog.find(request.jobName());
        Optional<Ignored> ignored = EventChecks.job(catalog, request.jobName(), request.jobType(), definition);
        if (ignored.isEmpty()) {
            ignored = EventChecks.attempt(request.jobName(), request.attempt(), definition);
        }
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(request.runId(), request.jobName(), earliest(request.requestedAt(), seenAt));
        run.jobType = definition.map(d -> d.type().name()).orElse(request.jobType());
        if (run.scheduledFor == null) {
            run.scheduledFor = request.scheduledFor();
        }
        Attempt attempt = run.attempt(request.attempt());
        if (attempt.request == null) {
            attempt.request = request;
            // a deadline years ahead (or none) must not keep a job active: the job's own timeout bounds it
            attempt.deadline = definition.map(d -> earliest(request.deadline(), seenAt.plus(d.timeout()))).orElse(null);
        }
        pendingDependencies.remove(request.runId());
        if (attempt == run.latest() && attempt.completion == null) {
            run.retryDueAt = null;
        }
        if (request.trigger() == Trigger.SCHEDULE) {
            advanceLastFire(request.jobName(), request.scheduledFor(), seenAt, definition);
        }
        if (attempt == run.latest() && attempt.completion != null && !attempt.concluded) {
            conclude(run, attempt, attempt.completion, ofRun(run, definition)); // its completion was read before its request
        }
        settle(run, ofRun(run, definition));
        return Optional.empty();
    }

    /** Folds a start seen at {@code seenAt}; returns why it was ignored, if it was. */
    Optional<Ignored> onStarted(Started started, Instant seenAt) {
        Optional<JobDefinition> definition = catalog.find(started.jobName());
        Optional<Ignored> ignored = EventChecks.event(catalog, started.jobName(), started.jobType(), started.attempt(),
                definition);
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(started.runId(), started.jobName(), earliest(started.startedAt(), seenAt));
        Attempt attempt = run.attempt(started.attempt());
        if (attempt.started == null) {
            attempt.started = started;
        }
        settle(run, ofRun(run, definition));
        return Optional.empty();
    }

    /** Folds a completion seen at {@code seenAt}; returns why it was ignored, if it was. */
    Optional<Ignored> onCompleted(Completed completion, Instant seenAt) {
        Optional<JobDefinition> definition = catalog.find(completion.jobName());
        Optional<Ignored> ignored = EventChecks.event(catalog, completion.jobName(), completion.jobType(),
                completion.attempt(), definition);
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(completion.runId(), completion.jobName(), earliest(completion.finishedAt(), seenAt));
        Optional<JobDefinition> ofRun = ofRun(run, definition);
        if (run.jobType == null) {
            run.jobType = ofRun.map(d -> d.type().name()).orElse(completion.jobType());
        }
        if (run.scheduledFor == null) {
            run.scheduledFor = completion.scheduledFor();
        }
        pendingDependencies.remove(completion.runId());
        Attempt attempt = run.attempt(completion.attempt());
        if (attempt.completion != null) {
            return Optional.empty(); // the first terminal outcome of an attempt wins; later ones are duplicates or stragglers
        }
        attempt.completion = completion;
        if (completion.status() == RunStatus.SKIPPED && isCronRun(completion, definition)) {
            advanceLastFire(completion.jobName(), completion.scheduledFor(), seenAt, definition);
        }
        if (attempt == run.latest() && requested(run)) {
            conclude(run, attempt, completion, ofRun);
        }
        settle(run, ofRun);
        return Optional.empty();
    }

    /**
     * The definition of {@code run}'s job: {@code ofEvent}, the definition of the job an event names, when the run
     * belongs to that job (always, unless an event reuses another job's run id), else the catalog's.
     */
    private Optional<JobDefinition> ofRun(Run run, Optional<JobDefinition> ofEvent) {
        return ofEvent.isPresent() && ofEvent.get().name().equals(run.jobName) ? ofEvent : catalog.find(run.jobName);
    }

    /** Whether some request asked for this run, or it belongs to a job another system runs and reports. */
    private boolean requested(Run run) {
        return run.firstRequest() != null || catalog.externalJobs().contains(run.jobName);
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }

    /** {@code definition} is the catalog's definition of the run's job. */
    private void conclude(Run run, Attempt attempt, Completed completion, Optional<JobDefinition> definition) {
        attempt.concluded = true;
        // a run requested elsewhere, whose request we did not see, ran with its job's configured parameters
        Map<String, String> parameters = run.firstRequest() != null ? run.parameters()
                : definition.map(JobDefinition::parameters).orElse(Map.of());
        conclusions.concluded(run.jobName, run.jobType != null ? run.jobType : completion.jobType(), parameters, completion);
        switch (completion.status()) {
            case SUCCEEDED -> {
                run.retryDueAt = null;
                lastSuccess.merge(run.jobName, completion.finishedAt(), (a, b) -> a.isAfter(b) ? a : b);
                owedByDependents(run, completion);
            }
            case FAILED, TIMED_OUT -> {
                int maxAttempts = definition.map(JobDefinition::maxAttempts).orElse(1);
                if (completion.retryable() && definition.isPresent() && attempt.number < maxAttempts) {
                    run.retryDueAt = completion.finishedAt().plus(definition.get().retryDelay());
                } else {
                    run.gaveUp = completion.retryable();
                }
            }
            default -> {
            }
        }
    }

    private void owedByDependents(Run run, Completed completion) {
        Instant scheduledFor = completion.scheduledFor() != null ? completion.scheduledFor()
                : run.scheduledFor != null ? run.scheduledFor : completion.finishedAt();
        for (JobDefinition dependent : catalog.dependentsOf(run.jobName)) {
            String runId = RunIds.ofDependency(dependent.name(), run.runId);
            if (dependent.enabled() && !runs.containsKey(runId)) {
                pendingDependencies.put(runId, new PendingTrigger(
                        runId, dependent.name(), run.runId, scheduledFor, completion.finishedAt()));
            }
        }
    }

    private boolean isCronRun(Completed completion, Optional<JobDefinition> definition) {
        Instant scheduledFor = completion.scheduledFor();
        if (scheduledFor == null || !completion.runId().equals(RunIds.of(completion.jobName(), scheduledFor))) {
            return false;
        }
        return definition
                .map(JobDefinition::schedule)
                .map(schedule -> schedule.firesAt(scheduledFor))
                .orElse(false);
    }

    /**
     * Records a fire of {@code job} at {@code at}. A fire is never dated after the instant it is seen (the scheduler
     * fires at or after a cron time), so one dated later, beyond a small allowance for replicas' clocks, is a forged
     * or mistaken event and would silence the job until that date: it is not recorded.
     */
    private void advanceLastFire(String job, Instant at, Instant seenAt, Optional<JobDefinition> definition) {
        if (at == null || definition.isEmpty() || at.isAfter(seenAt.plus(FIRE_SKEW))) {
            return;
        }
        lastFire.merge(job, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    private Run run(String runId, String jobName, Instant seen) {
        Run run = runs.get(runId);
        if (run == null) {
            run = new Run(runId, jobName, seen);
            runs.put(runId, run);
            histories.computeIfAbsent(jobName, k -> new JobHistory()).runs.put(runId, run);
            lastRunOfJob.put(jobName, runId);
            evictBeyondLimits(run);
        }
        return run;
    }

    /**
     * Keeps the job's set of active runs current. Only a requested run of a configured job is active: it alone may
     * block an exclusive job, time out and be retried. A flood of requests for one job keeps at most
     * {@link #ACTIVE_RUNS_PER_JOB_LIMIT} of them; the oldest is forgotten first.
     */
    private void settle(Run run, Optional<JobDefinition> definition) {
        if (definition.isEmpty()) {
            return;
        }
        Set<String> active = activeRuns.computeIfAbsent(run.jobName, k -> new LinkedHashSet<>());
        if (run.status().active() && run.firstRequest() != null) {
            if (active.add(run.runId) && active.size() > ACTIVE_RUNS_PER_JOB_LIMIT) {
                Iterator<String> oldest = active.iterator();
                while (active.size() > ACTIVE_RUNS_PER_JOB_LIMIT && oldest.hasNext()) {
                    oldest.next();
                    oldest.remove();
                }
            }
        } else {
            active.remove(run.runId);
        }
    }

    /**
     * Keeps at most {@link SchedulerPolicy#runsPerJob()} runs of {@code created}'s job and
     * {@link SchedulerPolicy#historyLimit()} runs in all, dropping the oldest first. Active runs (requested, running,
     * retry pending) are never dropped, nor is the run just created: every decision reads only active runs and the
     * per-job maps (last fire, last success, pending dependencies), so dropping history changes no decision.
     */
    private void evictBeyondLimits(Run created) {
        JobHistory history = histories.get(created.jobName);
        Set<String> active = activeRuns.getOrDefault(created.jobName, Set.of());
        List<Run> kept = new ArrayList<>();
        Iterator<Run> ofJob = history.runs.values().iterator();
        while (history.runs.size() + kept.size() > policy.runsPerJob() && ofJob.hasNext()) {
            Run oldest = ofJob.next();
            ofJob.remove();
            if (oldest == created || active.contains(oldest.runId)) {
                kept.add(oldest); // moved behind the newer runs, so the next eviction does not walk past it again
            } else {
                runs.remove(oldest.runId);
                history.dropped++;
                droppedRuns++;
            }
        }
        kept.forEach(run -> history.runs.put(run.runId, run));
        kept.clear();
        Iterator<Run> all = runs.values().iterator();
        while (runs.size() + kept.size() > policy.historyLimit() && all.hasNext()) {
            Run oldest = all.next();
            all.remove();
            if (oldest == created || activeRuns.getOrDefault(oldest.jobName, Set.of()).contains(oldest.runId)) {
                kept.add(oldest);
            } else {
                JobHistory of = histories.get(oldest.jobName);
                of.runs.remove(oldest.runId);
                of.dropped++;
                droppedRuns++;
            }
        }
        kept.forEach(run -> runs.put(run.runId, run));
    }
}
