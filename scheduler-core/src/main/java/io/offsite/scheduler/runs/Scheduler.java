package io.offsite.scheduler.runs;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.Trigger;
import io.offsite.events.Topics;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
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

    public Scheduler(SchedulerCore core, EventPublisher publisher, SchedulerObserver observer, Clock clock) {
        this.core = core;
        this.publisher = publisher;
        this.observer = observer;
        this.clock = clock;
    }

    /**
     * Folds one event read from {@code topic} into the state and returns why it was ignored, if it was. A request
     * counts only from its job type's request topic, a start or completion only from the event topic: the same
     * record on another topic is not what it claims to be.
     */
    public Optional<Ignored> apply(String topic, Object event) {
        return apply(topic, event, clock.instant());
    }

    /**
     * Like {@link #apply(String, Object)}, for an event seen at {@code seenAt}: a reader folding a whole poll reads the
     * clock once for all of its records (they were all seen when polled) instead of once per record.
     */
    public synchronized Optional<Ignored> apply(String topic, Object event, Instant seenAt) {
        if (event instanceof JobRequested request) {
            if (!topic.equals(requestTopic(request.getJobType()))) {
                return Optional.of(new Ignored(Ignored.WRONG_TOPIC, "a JobRequested of type " + Ignored.shorten(request.getJobType())
                        + " on " + topic));
            }
            return core.onRequested(request, seenAt);
        }
        if (event instanceof JobStarted || event instanceof JobCompleted) {
            if (!topic.equals(Topics.JOB_EVENTS)) {
                return Optional.of(new Ignored(Ignored.WRONG_TOPIC, "a " + ((SpecificRecord) event).getSchema().getName()
                        + " on " + topic + ", not on " + Topics.JOB_EVENTS));
            }
            if (event instanceof JobStarted started) {
                return core.onStarted(started, seenAt);
            }
            return core.onCompleted((JobCompleted) event, seenAt);
        }
        return Optional.of(new Ignored(Ignored.NOT_AN_EVENT, event == null ? "an empty record"
                : "a " + event.getClass().getSimpleName()));
    }

    /** The scheduler's clock's instant: when a reader saw what it polled. */
    public Instant now() {
        return clock.instant();
    }

    /** Folds an event as if read from the topic it belongs on. */
    public Optional<Ignored> apply(Object event) {
        String topic = event instanceof JobRequested request ? requestTopic(request.getJobType()) : Topics.JOB_EVENTS;
        return apply(topic, event);
    }

    /** Request topics by job type name, for the exact spelling; other spellings are matched ignoring case. */
    private static final Map<String, String> REQUEST_TOPICS = java.util.Arrays.stream(Topics.JobType.values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Topics.JobType::name, Topics.JobType::requestTopic));

    private static String requestTopic(String jobType) {
        String topic = jobType == null ? null : REQUEST_TOPICS.get(jobType);
        if (topic != null) {
            return topic;
        }
        for (Topics.JobType type : Topics.JobType.values()) {
            if (type.name().equalsIgnoreCase(jobType)) {
                return type.requestTopic();
            }
        }
        return "(no request topic)";
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
            return new TriggerResult(action.runId(), job, false, conclude.completion().getMessage());
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
        JobRequested request = dispatch.request();
        publisher.publish(request);
        core.onRequested(request, clock.instant());
        String job = request.getJobName();
        if (request.getTrigger() == Trigger.SCHEDULE) {
            observer.fired(job);
        }
        if (dispatch.missedBefore() > 0) {
            log.warn("{} earlier fire(s) of {} were missed; running once for {}", dispatch.missedBefore(), job,
                    request.getScheduledFor());
            observer.missed(job, dispatch.missedBefore());
        }
        if (request.getTrigger() == Trigger.RETRY) {
            observer.retried(job);
        }
        observer.dispatched(job, request.getTrigger().name());
        log.info("Requested {} attempt {}/{} ({}) scheduled for {}, deadline {}", request.getRunId(), request.getAttempt(),
                request.getMaxAttempts(), request.getTrigger(), request.getScheduledFor(), request.getDeadline());
    }

    private void conclude(Action.Conclude conclude) {
        JobCompleted completion = conclude.completion();
        publisher.publish(completion);
        core.onCompleted(completion, clock.instant());
        String job = completion.getJobName();
        switch (conclude.reason()) {
            case ALREADY_RUNNING -> {
                if (core.catalog().find(job).map(d -> d.schedule() != null && d.schedule().firesAt(completion.getScheduledFor()))
                        .orElse(false)) {
                    observer.fired(job);
                }
                observer.skipped(job, "already-running");
                log.info("Skipped {}: {}", completion.getRunId(), completion.getMessage());
            }
            case MISSED -> {
                observer.fired(job);
                observer.skipped(job, "missed");
                observer.missed(job, 1);
                log.warn("Skipped {}: {}", completion.getRunId(), completion.getMessage());
            }
            case TIMED_OUT -> {
                observer.timedOut(job);
                log.warn("Declared {} attempt {} TIMED_OUT: {}", completion.getRunId(), completion.getAttempt(),
                        completion.getMessage());
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
