package io.offsite.scheduler.runs;

import io.offsite.scheduler.jobs.JobCatalog;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The scheduler's state and decisions, with no I/O: one {@link SchedulerState} folded from the events seen on the
 * topics ({@link #onRequested}, {@link #onStarted}, {@link #onCompleted}), the {@link Decisions} taken from it
 * ({@link #nextAction} decides the next thing to publish at a given instant, {@link #trigger} answers a manual
 * trigger; neither changes state: the caller publishes the resulting event and folds it back in, so a failed publish
 * changes nothing) and the {@link RunQueries} answered from it.
 *
 * <p>Not thread-safe; {@link Scheduler} serialises access.
 */
public final class SchedulerCore {

    /** Most runs of one job that are active at once; a flood of requests for one job forgets the oldest. */
    static final int ACTIVE_RUNS_PER_JOB_LIMIT = SchedulerState.ACTIVE_RUNS_PER_JOB_LIMIT;

    private final SchedulerState state;
    private final Decisions decisions;
    private final RunQueries queries;

    public SchedulerCore(JobCatalog catalog, SchedulerPolicy policy) {
        this(catalog, policy, ConclusionListener.NONE);
    }

    /** A core that tells {@code conclusions} of every run it concludes (the backup inventory keeps its view with them). */
    public SchedulerCore(JobCatalog catalog, SchedulerPolicy policy, ConclusionListener conclusions) {
        this.state = new SchedulerState(Objects.requireNonNull(catalog, "catalog"), Objects.requireNonNull(policy, "policy"),
                Objects.requireNonNull(conclusions, "conclusions"));
        this.decisions = new Decisions(state);
        this.queries = new RunQueries(state);
    }

    public JobCatalog catalog() {
        return state.catalog;
    }

    // ---------------------------------------------------------------- folding events

    /** Folds a request seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onRequested(Requested request, Instant seenAt) {
        return state.onRequested(request, seenAt);
    }

    /** Folds a start seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onStarted(Started started, Instant seenAt) {
        return state.onStarted(started, seenAt);
    }

    /** Folds a completion seen at {@code seenAt}; returns why it was ignored, if it was. */
    public Optional<Ignored> onCompleted(Completed completion, Instant seenAt) {
        return state.onCompleted(completion, seenAt);
    }

    // ---------------------------------------------------------------- decisions

    /**
     * The next thing to do at {@code now}, or empty when nothing is due. Order: declare overdue runs
     * TIMED_OUT (which may free an exclusive job), retries, dependency triggers, cron fires.
     */
    public Optional<Action> nextAction(Instant now) {
        return decisions.nextAction(now);
    }

    /**
     * A manual trigger of {@code jobName} at {@code now}: a request, or a SKIPPED completion when the
     * job is exclusive and already running.
     */
    public Action trigger(String jobName, Map<String, String> parameters, String requestedBy, Instant now) {
        return decisions.trigger(jobName, parameters, requestedBy, now);
    }

    public static String runId(String job, Instant scheduledFor) {
        return RunIds.of(job, scheduledFor);
    }

    public static String dependencyRunId(String job, String upstreamRunId) {
        return RunIds.ofDependency(job, upstreamRunId);
    }

    // ---------------------------------------------------------------- queries

    public List<JobView> jobs(Instant now) {
        return queries.jobs(now);
    }

    public Optional<Instant> lastSuccess(String job) {
        return queries.lastSuccess(job);
    }

    public boolean running(String job) {
        return queries.running(job);
    }

    /** Runs newest first, filtered by job and status when given. */
    public List<RunSummary> runs(String job, RunStatus status, int limit) {
        return queries.runs(new RunQuery(job, status, null, null, limit, null)).runs();
    }

    /**
     * A page of the run history held in memory, newest first; see {@link RunQuery}. The page says how far back the
     * history reaches and whether older runs were dropped to bound memory.
     */
    public RunPage runs(RunQuery query) {
        return queries.runs(query);
    }

    public Optional<RunDetail> run(String runId) {
        return queries.run(runId);
    }
}
