package io.offsite.scheduler.runs;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Serialises everything that touches {@link SchedulerCore}: events read from the topics, ticks of
 * the leader, manual triggers and queries. A decision is published first and folded into the state
 * only once the publisher has stored it, so a failed publish is simply decided again on the next tick.
 */
public final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
    private static final int MAX_ACTIONS_PER_TICK = 1_000;

    private final SchedulerCore core;
    private final EventPublisher publisher;
    private final SchedulerObserver observer;
    private final Clock clock;
    private final RequestCheck ownRequests;

    public Scheduler(SchedulerCore core, EventPublisher publisher, SchedulerObserver observer, Clock clock) {
        this(core, publisher, observer, clock, RequestCheck.NONE);
    }

    /** A scheduler that folds a request it published only when {@code ownRequests} accepts it, as when read back. */
    public Scheduler(SchedulerCore core, EventPublisher publisher, SchedulerObserver observer, Clock clock,
            RequestCheck ownRequests) {
        this.core = core;
        this.publisher = publisher;
        this.observer = observer;
        this.clock = clock;
        this.ownRequests = ownRequests;
    }

    /** Folds a request seen now; returns why it was ignored, if it was. */
    public Optional<Ignored> apply(Requested request) {
        return apply(request, clock.instant());
    }

    /** Folds a start seen now; returns why it was ignored, if it was. */
    public Optional<Ignored> apply(Started started) {
        return apply(started, clock.instant());
    }

    /** Folds a completion seen now; returns why it was ignored, if it was. */
    public Optional<Ignored> apply(Completed completion) {
        return apply(completion, clock.instant());
    }

    /**
     * Folds a request seen at {@code seenAt}: a reader folding a whole poll reads the clock once for all of its
     * records (they were all seen when polled) instead of once per record. Which topic an event may come from, and
     * the sizes of its fields, are checked where it is read.
     */
    public synchronized Optional<Ignored> apply(Requested request, Instant seenAt) {
        return core.onRequested(request, seenAt);
    }

    /** Folds a start seen at {@code seenAt}. */
    public synchronized Optional<Ignored> apply(Started started, Instant seenAt) {
        return core.onStarted(started, seenAt);
    }

    /** Folds a completion seen at {@code seenAt}. */
    public synchronized Optional<Ignored> apply(Completed completion, Instant seenAt) {
        return core.onCompleted(completion, seenAt);
    }

    /** The scheduler's clock's instant: when a reader saw what it polled. */
    public Instant now() {
        return clock.instant();
    }

    /** Executes everything due now; returns how many actions were taken. Called by the leader only. */
    public synchronized int tick() {
        return tick(() -> true);
    }

    /** Like {@link #tick()}, stopping between actions as soon as {@code stillLeading} turns false. */
    public synchronized int tick(java.util.function.BooleanSupplier stillLeading) {
        int taken = 0;
        while (taken < MAX_ACTIONS_PER_TICK && stillLeading.getAsBoolean()) {
            Optional<Action> next = core.nextAction(clock.instant());
            if (next.isEmpty()) {
                break;
            }
            execute(next.get());
            taken++;
        }
        return taken;
    }

    /** A manual trigger: publishes a request, or a SKIPPED completion when the exclusive job is running. */
    public synchronized TriggerResult trigger(String job, Map<String, String> parameters, String requestedBy) {
        Action action = core.trigger(job, parameters, requestedBy, clock.instant());
        execute(action);
        if (action instanceof Action.Conclude conclude) {
            return new TriggerResult(action.runId(), job, false, conclude.completion().message());
        }
        return new TriggerResult(action.runId(), job, true, null);
    }

    private void execute(Action action) {
        MDC.put("runId", action.runId());
        MDC.put("job", action.jobName());
        try {
            if (action instanceof Action.Dispatch dispatch) {
                dispatch(dispatch);
            } else if (action instanceof Action.Conclude conclude) {
                conclude(conclude);
            } else if (action instanceof Action.Drop drop) {
                log.warn("Dropped dependency trigger {}: upstream finished at {}, older than the grace period",
                        drop.runId(), drop.upstreamFinishedAt());
                observer.missed(drop.jobName(), 1);
            }
        } finally {
            MDC.remove("runId");
            MDC.remove("job");
        }
    }

    private void dispatch(Action.Dispatch dispatch) {
        Requested request = dispatch.request();
        publisher.publish(request);
        if (ownRequests.refusal(request).isEmpty()) {
            core.onRequested(request, clock.instant());
        }
        String job = request.jobName();
        if (request.trigger() == Trigger.SCHEDULE) {
            observer.fired(job);
        }
        if (dispatch.missedBefore() > 0) {
            log.warn("{} earlier fire(s) of {} were missed; running once for {}", dispatch.missedBefore(), job,
                    request.scheduledFor());
            observer.missed(job, dispatch.missedBefore());
        }
        if (request.trigger() == Trigger.RETRY) {
            observer.retried(job);
        }
        observer.dispatched(job, request.trigger().name());
        log.info("Requested {} attempt {}/{} ({}) scheduled for {}, deadline {}", request.runId(), request.attempt(),
                request.maxAttempts(), request.trigger(), request.scheduledFor(), request.deadline());
    }

    private void conclude(Action.Conclude conclude) {
        Completed completion = conclude.completion();
        publisher.publish(completion);
        core.onCompleted(completion, clock.instant());
        String job = completion.jobName();
        switch (conclude.reason()) {
            case ALREADY_RUNNING -> {
                if (core.catalog().find(job).map(d -> d.schedule() != null && d.schedule().firesAt(completion.scheduledFor()))
                        .orElse(false)) {
                    observer.fired(job);
                }
                observer.skipped(job, "already-running");
                log.info("Skipped {}: {}", completion.runId(), completion.message());
            }
            case MISSED -> {
                observer.fired(job);
                observer.skipped(job, "missed");
                observer.missed(job, 1);
                log.warn("Skipped {}: {}", completion.runId(), completion.message());
            }
            case TIMED_OUT -> {
                observer.timedOut(job);
                log.warn("Declared {} attempt {} TIMED_OUT: {}", completion.runId(), completion.attempt(),
                        completion.message());
            }
        }
    }

    /** Returns once no tick, trigger or event is being processed. */
    public synchronized void awaitIdle() {
        // taking the lock is the point
    }

    // ---------------------------------------------------------------- queries

    public synchronized List<JobView> jobs() {
        return core.jobs(clock.instant());
    }

    public synchronized List<RunSummary> runs(String job, RunStatus status, int limit) {
        return core.runs(job, status, limit);
    }

    public synchronized RunPage runs(RunQuery query) {
        return core.runs(query);
    }

    public synchronized Optional<RunDetail> run(String runId) {
        return core.run(runId);
    }

    public synchronized Optional<java.time.Instant> lastSuccess(String job) {
        return core.lastSuccess(job);
    }

    /** The job catalog; immutable, so no lock is needed. */
    public io.offsite.scheduler.jobs.JobCatalog catalog() {
        return core.catalog();
    }
}
