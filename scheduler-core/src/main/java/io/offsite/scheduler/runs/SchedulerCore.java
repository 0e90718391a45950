package io.offsite.scheduler.runs;

import io.offsite.events.EventTrust;
import io.offsite.events.RequestLimits;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.cron.CronSchedule;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The scheduler's state and decisions, with no I/O. State is folded from the events seen on the
 * topics ({@link #onRequested}, {@link #onStarted}, {@link #onCompleted}), so every replica that
 * reads the same topics knows the same things; {@link #nextAction} decides the next thing to
 * publish at a given instant and {@link #trigger} answers a manual trigger. Neither changes state:
 * the caller publishes the resulting event and folds it back in, so a failed publish changes nothing.
 *
 * <p>Not thread-safe; {@link Scheduler} serialises access.
 */
public final class SchedulerCore {

    static {
        // building events with array defaults needs the event classes trusted by Avro
        EventTrust.install();
    }

    /** Upper bound of missed cron fires counted one by one after a long downtime. */
    private static final int MISSED_COUNT_LIMIT = 10_000;
    /** Most runs of one job that are active at once; a flood of requests for one job forgets the oldest. */
    static final int ACTIVE_RUNS_PER_JOB_LIMIT = 100;
    /** Highest attempt number accepted for an external job, whose retries are not configured here. */
    static final int EXTERNAL_ATTEMPTS_LIMIT = 100;
    /** How far after the instant it is seen a fire may be dated: replicas' clocks differ by a little. */
    static final Duration FIRE_SKEW = Duration.ofSeconds(30);

    private final RequestLimits limits = RequestLimits.DEFAULT;

    private final JobCatalog catalog;
    private final SchedulerPolicy policy;
    private final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
    private final Map<String, Set<String>> activeRuns = new HashMap<>();
    private final Map<String, Instant> lastFire = new HashMap<>();
    private final Map<String, Instant> cronBaseline = new HashMap<>();
    private final TreeMap<String, PendingTrigger> pendingDependencies = new TreeMap<>();
    private final Map<String, Instant> lastSuccess = new HashMap<>();
    private final Map<String, String> lastRunOfJob = new HashMap<>();
    private final ConclusionListener conclusions;
    /** The runs of each job in the order first seen, and how many were dropped to bound memory. */
    private final Map<String, JobHistory> histories = new HashMap<>();
    private long droppedRuns;

    public SchedulerCore(JobCatalog catalog, SchedulerPolicy policy) {
        this(catalog, policy, ConclusionListener.NONE);
    }

    /** A core that tells {@code conclusions} of every run it concludes (the backup inventory keeps its view with them). */
    public SchedulerCore(JobCatalog catalog, SchedulerPolicy policy, ConclusionListener conclusions) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.conclusions = Objects.requireNonNull(conclusions, "conclusions");
    }

    public JobCatalog catalog() {
        return catalog;
    }

    // ---------------------------------------------------------------- folding events
    //
    // Every event comes from a shared bus and is untrusted: the catalog decides what it may change. Events of jobs
    // that are neither ours nor declared external, or whose type is not the catalog's, change nothing. A start or a
    // completion changes the scheduling state (active runs, exclusivity, retries, dependents, last success) only for
    // a run some request asked for; without one it is kept for the run history alone.

    /** Folds a request seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onRequested(JobRequested request, Instant seenAt) {
        Optional<Ignored> ignored = limits.check(request).map(v -> new Ignored(v.reason(), v.detail()));
        if (ignored.isPresent()) {
            return ignored;
        }
        Optional<JobDefinition> definition = catalog.find(request.getJobName());
        ignored = checkJob(request.getJobName(), request.getJobType(), definition);
        if (ignored.isEmpty()) {
            ignored = checkAttempt(request.getJobName(), request.getAttempt(), definition);
        }
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(request.getRunId(), request.getJobName(), earliest(request.getRequestedAt(), seenAt));
        run.jobType = definition.map(d -> d.type().name()).orElse(request.getJobType());
        if (run.scheduledFor == null) {
            run.scheduledFor = request.getScheduledFor();
        }
        Attempt attempt = run.attempt(request.getAttempt());
        if (attempt.request == null) {
            attempt.request = request;
            // a deadline years ahead (or none) must not keep a job active: the job's own timeout bounds it
            attempt.deadline = definition.map(d -> earliest(request.getDeadline(), seenAt.plus(d.timeout()))).orElse(null);
        }
        pendingDependencies.remove(request.getRunId());
        if (attempt == run.latest() && attempt.completion == null) {
            run.retryDueAt = null;
        }
        if (request.getTrigger() == Trigger.SCHEDULE) {
            advanceLastFire(request.getJobName(), request.getScheduledFor(), seenAt, definition);
        }
        if (attempt == run.latest() && attempt.completion != null && !attempt.concluded) {
            conclude(run, attempt, attempt.completion, ofRun(run, definition)); // its completion was read before its request
        }
        settle(run, ofRun(run, definition));
        return Optional.empty();
    }

    /** Folds a start seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onStarted(JobStarted started, Instant seenAt) {
        Optional<JobDefinition> definition = catalog.find(started.getJobName());
        Optional<Ignored> ignored = checkEvent(started.getRunId(), started.getJobName(), started.getJobType(),
                started.getAttempt(), definition);
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(started.getRunId(), started.getJobName(), earliest(started.getStartedAt(), seenAt));
        Attempt attempt = run.attempt(started.getAttempt());
        if (attempt.started == null) {
            attempt.started = started;
        }
        settle(run, ofRun(run, definition));
        return Optional.empty();
    }

    /** Folds a completion seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onCompleted(JobCompleted completion, Instant seenAt) {
        Optional<JobDefinition> definition = catalog.find(completion.getJobName());
        Optional<Ignored> ignored = checkEvent(completion.getRunId(), completion.getJobName(), completion.getJobType(),
                completion.getAttempt(), definition);
        if (ignored.isPresent()) {
            return ignored;
        }
        Run run = run(completion.getRunId(), completion.getJobName(), earliest(completion.getFinishedAt(), seenAt));
        Optional<JobDefinition> ofRun = ofRun(run, definition);
        if (run.jobType == null) {
            run.jobType = ofRun.map(d -> d.type().name()).orElse(completion.getJobType());
        }
        if (run.scheduledFor == null) {
            run.scheduledFor = completion.getScheduledFor();
        }
        pendingDependencies.remove(completion.getRunId());
        Attempt attempt = run.attempt(completion.getAttempt());
        if (attempt.completion != null) {
            return Optional.empty(); // the first terminal outcome of an attempt wins; later ones are duplicates or stragglers
        }
        attempt.completion = completion;
        if (completion.getStatus() == JobStatus.SKIPPED && isCronRun(completion, definition)) {
            advanceLastFire(completion.getJobName(), completion.getScheduledFor(), seenAt, definition);
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

    /** Why a start or completion is ignored: its identifiers, its job or its attempt; empty when it may be folded. */
    private Optional<Ignored> checkEvent(String runId, String jobName, String jobType, int attempt,
            Optional<JobDefinition> definition) {
        Optional<RequestLimits.Violation> violation = limits.checkIdentifier("runId", runId);
        if (violation.isEmpty()) {
            violation = limits.checkIdentifier("jobName", jobName);
        }
        if (violation.isPresent()) {
            return Optional.of(new Ignored(violation.get().reason(), violation.get().detail()));
        }
        Optional<Ignored> ignored = checkJob(jobName, jobType, definition);
        return ignored.isPresent() ? ignored : checkAttempt(jobName, attempt, definition);
    }

    /** {@code definition} is the catalog's definition of {@code jobName}, looked up once per event. */
    private Optional<Ignored> checkJob(String jobName, String jobType, Optional<JobDefinition> definition) {
        if (definition.isEmpty()) {
            return catalog.externalJobs().contains(jobName) ? Optional.empty() : Optional.of(new Ignored(Ignored.UNKNOWN_JOB,
                    "job '" + jobName + "' is neither configured here nor listed under external-jobs"));
        }
        String expected = definition.get().type().name();
        if (jobType != null && !expected.equalsIgnoreCase(jobType)) {
            return Optional.of(new Ignored(Ignored.JOB_TYPE_MISMATCH, "job '" + jobName + "' is a " + expected
                    + " job, the event says " + Ignored.shorten(jobType)));
        }
        return Optional.empty();
    }

    private Optional<Ignored> checkAttempt(String jobName, int attempt, Optional<JobDefinition> definition) {
        int most = definition.map(JobDefinition::maxAttempts).orElse(EXTERNAL_ATTEMPTS_LIMIT);
        if (attempt < 1 || attempt > most) {
            return Optional.of(new Ignored(Ignored.INVALID_ATTEMPT, "attempt " + attempt + " of job '" + jobName
                    + "', which has at most " + most));
        }
        return Optional.empty();
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
    private void conclude(Run run, Attempt attempt, JobCompleted completion, Optional<JobDefinition> definition) {
        attempt.concluded = true;
        // a run requested elsewhere, whose request we did not see, ran with its job's configured parameters
        Map<String, String> parameters = run.firstRequest() != null ? run.parameters()
                : definition.map(JobDefinition::parameters).orElse(Map.of());
        conclusions.concluded(run.jobName, run.jobType != null ? run.jobType : completion.getJobType(), parameters, completion);
        switch (completion.getStatus()) {
            case SUCCEEDED -> {
                run.retryDueAt = null;
                lastSuccess.merge(run.jobName, completion.getFinishedAt(), (a, b) -> a.isAfter(b) ? a : b);
                owedByDependents(run, completion);
            }
            case FAILED, TIMED_OUT -> {
                int maxAttempts = definition.map(JobDefinition::maxAttempts).orElse(1);
                if (completion.getRetryable() && definition.isPresent() && attempt.number < maxAttempts) {
                    run.retryDueAt = completion.getFinishedAt().plus(definition.get().retryDelay());
                } else {
                    run.gaveUp = completion.getRetryable();
                }
            }
            default -> {
            }
        }
    }

    private void owedByDependents(Run run, JobCompleted completion) {
        Instant scheduledFor = completion.getScheduledFor() != null ? completion.getScheduledFor()
                : run.scheduledFor != null ? run.scheduledFor : completion.getFinishedAt();
        for (JobDefinition dependent : catalog.dependentsOf(run.jobName)) {
            String runId = dependencyRunId(dependent.name(), run.runId);
            if (dependent.enabled() && !runs.containsKey(runId)) {
                pendingDependencies.put(runId, new PendingTrigger(
                        runId, dependent.name(), run.runId, scheduledFor, completion.getFinishedAt()));
            }
        }
    }

    private boolean isCronRun(JobCompleted completion, Optional<JobDefinition> definition) {
        Instant scheduledFor = completion.getScheduledFor();
        if (scheduledFor == null || !completion.getRunId().equals(runId(completion.getJobName(), scheduledFor))) {
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

    /** The runs of one job, oldest first, and how many of its older runs were dropped. */
    private static final class JobHistory {
        final LinkedHashMap<String, Run> runs = new LinkedHashMap<>();
        long dropped;
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

    // ---------------------------------------------------------------- decisions

    /**
     * The next thing to do at {@code now}, or empty when nothing is due. Order: declare overdue runs
     * TIMED_OUT (which may free an exclusive job), retries, dependency triggers, cron fires.
     */
    public Optional<Action> nextAction(Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        for (Set<String> active : activeRuns.values()) {
            for (String runId : active) {
                Run run = runs.get(runId);
                Attempt latest = run.latest();
                if (run.retryDueAt == null && latest != null && latest.completion == null && latest.deadline() != null
                        && !at.isBefore(latest.deadline().plus(policy.timeoutGrace()))) {
                    return Optional.of(new Action.Conclude(timedOut(run, latest, at), Action.Reason.TIMED_OUT));
                }
            }
        }
        for (Set<String> active : activeRuns.values()) {
            for (String runId : active) {
                Run run = runs.get(runId);
                if (run.retryDueAt != null && !at.isBefore(run.retryDueAt)) {
                    Optional<JobDefinition> definition = catalog.find(run.jobName);
                    JobRequested template = run.firstRequest();
                    if (definition.isPresent() && template != null) {
                        return Optional.of(new Action.Dispatch(retry(run, template, definition.get(), at), 0));
                    }
                }
            }
        }
        for (PendingTrigger pending : pendingDependencies.values()) {
            JobDefinition job = catalog.find(pending.jobName()).orElseThrow();
            if (pending.upstreamFinishedAt().isBefore(at.minus(policy.missedFireGrace()))) {
                pendingDependencies.remove(pending.runId());
                return Optional.of(new Action.Drop(pending.jobName(), pending.runId(), pending.upstreamFinishedAt()));
            }
            return Optional.of(dispatchOrSkip(job, pending.runId(), Trigger.DEPENDENCY, pending.scheduledFor(),
                    pending.upstreamRunId(), policy.identity(), job.parameters(), at, 0));
        }
        for (JobDefinition job : catalog.all()) {
            CronSchedule schedule = job.schedule();
            if (!job.enabled() || schedule == null) {
                continue;
            }
            Instant after = lastFire.containsKey(job.name())
                    ? lastFire.get(job.name())
                    : cronBaseline.computeIfAbsent(job.name(), k -> at);
            CronSchedule.Due due = schedule.due(after, at, MISSED_COUNT_LIMIT);
            if (due == null) {
                continue;
            }
            String runId = runId(job.name(), due.latest());
            if (due.latest().isBefore(at.minus(policy.missedFireGrace()))) {
                int missed = due.earlierMissed() + 1;
                String message = missed + " fire(s) missed up to " + due.latest() + ": older than the grace period of "
                        + policy.missedFireGrace() + " when the scheduler could act at " + at;
                return Optional.of(new Action.Conclude(
                        skipped(job, runId, due.latest(), at, message), Action.Reason.MISSED));
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
    public Action trigger(String jobName, Map<String, String> parameters, String requestedBy, Instant now) {
        JobDefinition job = catalog.find(jobName).orElseThrow(() -> new UnknownJobException(jobName));
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        Map<String, String> merged = new TreeMap<>(job.parameters());
        if (parameters != null) {
            merged.putAll(parameters);
        }
        if (runs.containsKey(runId(jobName, at))) {
            return new Action.AlreadyRequested(jobName, runId(jobName, at));
        }
        return dispatchOrSkip(job, runId(jobName, at), Trigger.MANUAL, at, null,
                requestedBy == null ? policy.identity() : requestedBy, merged, at, 0);
    }

    private Action dispatchOrSkip(JobDefinition job, String runId, Trigger trigger, Instant scheduledFor,
            String causation, String requestedBy, Map<String, String> parameters, Instant at, int missedBefore) {
        if (job.exclusive()) {
            Optional<String> running = activeRuns.getOrDefault(job.name(), Set.of()).stream()
                    .filter(id -> !id.equals(runId)).findFirst();
            if (running.isPresent()) {
                return new Action.Conclude(skipped(job, runId, scheduledFor, at, "already running: " + running.get()),
                        Action.Reason.ALREADY_RUNNING);
            }
        }
        JobRequested request = JobRequested.newBuilder()
                .setRunId(runId)
                .setJobName(job.name())
                .setJobType(job.type().name())
                .setAttempt(1)
                .setMaxAttempts(job.maxAttempts())
                .setTrigger(trigger)
                .setScheduledFor(scheduledFor)
                .setRequestedAt(at)
                .setDeadline(at.plus(job.timeout()))
                .setCausationRunId(causation)
                .setRequestedBy(requestedBy)
                .setParameters(new TreeMap<>(parameters))
                .build();
        return new Action.Dispatch(request, missedBefore);
    }

    /** The next attempt of a run: what to run comes from the job's definition, only the parameters from its request. */
    private JobRequested retry(Run run, JobRequested template, JobDefinition job, Instant at) {
        return JobRequested.newBuilder(template)
                .setJobName(job.name())
                .setJobType(job.type().name())
                .setMaxAttempts(job.maxAttempts())
                .setAttempt(run.latest().number + 1)
                .setTrigger(Trigger.RETRY)
                .setRequestedAt(at)
                .setDeadline(at.plus(job.timeout()))
                .setCausationRunId(run.runId)
                .setRequestedBy(policy.identity())
                .build();
    }

    private JobCompleted skipped(JobDefinition job, String runId, Instant scheduledFor, Instant at, String message) {
        return JobCompleted.newBuilder()
                .setRunId(runId)
                .setJobName(job.name())
                .setJobType(job.type().name())
                .setAttempt(1)
                .setStatus(JobStatus.SKIPPED)
                .setRetryable(false)
                .setStartedAt(null)
                .setFinishedAt(at)
                .setWorker(policy.identity())
                .setMessage(message)
                .setScheduledFor(scheduledFor)
                .build();
    }

    private JobCompleted timedOut(Run run, Attempt attempt, Instant at) {
        // a run found overdue long after the fact (e.g. history read by a new deployment) is closed, not retried
        boolean stale = at.isAfter(attempt.deadline().plus(policy.timeoutGrace()).plus(policy.missedFireGrace()));
        String message = "no completion by deadline " + attempt.deadline() + " plus grace " + policy.timeoutGrace()
                + (stale ? "; noticed too late to retry" : "");
        return JobCompleted.newBuilder()
                .setRunId(run.runId)
                .setJobName(run.jobName)
                .setJobType(run.jobType == null ? "UNKNOWN" : run.jobType)
                .setAttempt(attempt.number)
                .setStatus(JobStatus.TIMED_OUT)
                .setRetryable(!stale)
                .setStartedAt(attempt.started == null ? null : attempt.started.getStartedAt())
                .setFinishedAt(at)
                .setWorker(policy.identity())
                .setError(new JobError("DEADLINE_EXCEEDED", message))
                .setMessage(message)
                .setScheduledFor(run.scheduledFor)
                .build();
    }

    public static String runId(String job, Instant scheduledFor) {
        return job + "@" + scheduledFor.truncatedTo(ChronoUnit.MILLIS);
    }

    public static String dependencyRunId(String job, String upstreamRunId) {
        return job + "@after:" + upstreamRunId;
    }

    // ---------------------------------------------------------------- queries

    public List<JobView> jobs(Instant now) {
        List<JobView> views = new ArrayList<>();
        for (JobDefinition job : catalog.all()) {
            Instant last = lastFire.get(job.name());
            Instant next = null;
            if (job.enabled() && job.schedule() != null) {
                Instant from = last != null && last.isAfter(now) ? last : now;
                next = job.schedule().next(from);
            }
            String lastRunId = lastRunOfJob.get(job.name());
            RunSummary lastRun = lastRunId == null || !runs.containsKey(lastRunId) ? null : summary(runs.get(lastRunId));
            views.add(new JobView(job, next, last, lastRun, lastSuccess.get(job.name())));
        }
        return views;
    }

    public Optional<Instant> lastSuccess(String job) {
        return Optional.ofNullable(lastSuccess.get(job));
    }

    public boolean running(String job) {
        return !activeRuns.getOrDefault(job, Set.of()).isEmpty();
    }

    /** Runs newest first, filtered by job and status when given. */
    public List<RunSummary> runs(String job, RunStatus status, int limit) {
        return runs(new RunQuery(job, status, null, null, limit, null)).runs();
    }

    /**
     * A page of the run history held in memory: newest first by {@code requestedAt} then run id, so a page that
     * starts after the previous page's last run neither repeats nor skips a run while new runs arrive. The page says
     * how far back the history reaches and whether older runs were dropped to bound memory.
     */
    public RunPage runs(RunQuery query) {
        JobHistory ofJob = query.job() == null ? null : histories.get(query.job());
        Iterable<Run> source = query.job() == null ? runs.values() : ofJob == null ? List.of() : ofJob.runs.values();
        List<RunSummary> matching = new ArrayList<>();
        Instant historyFrom = null;
        for (Run run : source) {
            RunSummary summary = summary(run);
            Instant at = summary.requestedAt();
            if (historyFrom == null || at.isBefore(historyFrom)) {
                historyFrom = at;
            }
            if ((query.status() == null || query.status() == summary.status())
                    && (query.from() == null || !at.isBefore(query.from()))
                    && (query.to() == null || at.isBefore(query.to()))
                    && (query.after() == null || query.after().compareTo(at, summary.runId()) < 0)) {
                matching.add(summary);
            }
        }
        matching.sort(Comparator.comparing(RunSummary::requestedAt).thenComparing(RunSummary::runId).reversed());
        List<RunSummary> page = matching.size() > query.size() ? matching.subList(0, query.size()) : matching;
        RunQuery.Position next = matching.size() > query.size() ? RunQuery.Position.of(page.get(page.size() - 1)) : null;
        long dropped = query.job() == null ? droppedRuns : ofJob == null ? 0 : ofJob.dropped;
        return new RunPage(List.copyOf(page), next, historyFrom, dropped > 0, dropped);
    }

    public Optional<RunDetail> run(String runId) {
        Run run = runs.get(runId);
        if (run == null) {
            return Optional.empty();
        }
        List<RunDetail.AttemptView> attempts = new ArrayList<>();
        for (Attempt a : run.attempts.values()) {
            JobRequested r = a.request;
            JobCompleted c = a.completion;
            attempts.add(new RunDetail.AttemptView(
                    a.number,
                    r == null ? null : r.getTrigger().name(),
                    r == null ? null : r.getRequestedBy(),
                    r == null ? null : r.getCausationRunId(),
                    r == null ? null : r.getRequestedAt(),
                    a.deadline(),
                    a.started != null ? a.started.getStartedAt() : c == null ? null : c.getStartedAt(),
                    c != null ? c.getWorker() : a.started == null ? null : a.started.getWorker(),
                    c == null ? null : c.getFinishedAt(),
                    a.status(),
                    c != null && c.getRetryable(),
                    c == null || c.getError() == null ? null : c.getError().getType(),
                    c == null || c.getError() == null ? null : c.getError().getMessage(),
                    c == null ? null : c.getMessage(),
                    c == null ? List.of() : c.getArtifacts().stream().map(x -> new RunDetail.ArtifactView(
                            x.getBucket(), x.getKey(), x.getSizeBytes(), x.getSha256(), x.getSourceBytes(), x.getCompression()))
                            .toList(),
                    c == null ? Map.of() : Map.copyOf(c.getStats())));
        }
        return Optional.of(new RunDetail(summary(run), Map.copyOf(run.parameters()), run.retryDueAt, attempts));
    }

    private RunSummary summary(Run run) {
        Attempt first = run.attempts.isEmpty() ? null : run.attempts.firstEntry().getValue();
        Attempt latest = run.latest();
        JobRequested request = run.firstRequest();
        return new RunSummary(
                run.runId,
                run.jobName,
                run.jobType,
                run.status(),
                request == null ? null : request.getTrigger().name(),
                run.attempts.size(),
                run.scheduledFor,
                first != null && first.request != null ? first.request.getRequestedAt() : run.firstSeen,
                latest != null && latest.completion != null ? latest.completion.getFinishedAt() : null,
                run.gaveUp);
    }
}
