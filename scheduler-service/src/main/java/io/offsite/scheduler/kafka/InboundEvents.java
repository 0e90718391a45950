package io.offsite.scheduler.kafka;

import io.offsite.events.RequestLimits;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.scheduler.runs.Ignored;
import io.offsite.scheduler.runs.Requested;
import io.offsite.scheduler.runs.Scheduler;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * The shared bus's checks of what the scheduler reads, before it folds an event: a request counts only from its job
 * type's request topic, a start or completion only from the event topic (the same record on another topic is not
 * what it claims to be), and identifiers and parameters must be within {@link RequestLimits#DEFAULT}. What passes is
 * translated ({@link AvroEvents}) and folded; the catalog's checks follow in the core.
 */
public final class InboundEvents {

    private static final RequestLimits LIMITS = RequestLimits.DEFAULT;

    /** Request topics by job type name, for the exact spelling; other spellings are matched ignoring case. */
    private static final Map<String, String> REQUEST_TOPICS = Arrays.stream(Topics.JobType.values())
            .collect(Collectors.toUnmodifiableMap(Topics.JobType::name, Topics.JobType::requestTopic));

    private InboundEvents() {
    }

    /** Folds one event read from {@code topic} at {@code seenAt}; returns why it was ignored, if it was. */
    public static Optional<Ignored> apply(Scheduler scheduler, String topic, Object event, Instant seenAt) {
        if (event instanceof JobRequested request) {
            if (!topic.equals(requestTopic(request.getJobType()))) {
                return Optional.of(new Ignored(Ignored.WRONG_TOPIC, "a JobRequested of type "
                        + Ignored.shorten(request.getJobType()) + " on " + topic));
            }
            Optional<Ignored> refused = LIMITS.check(request).map(v -> new Ignored(v.reason(), v.detail()));
            return refused.isPresent() ? refused : scheduler.apply(AvroEvents.requested(request), seenAt);
        }
        if (event instanceof JobStarted || event instanceof JobCompleted) {
            if (!topic.equals(Topics.JOB_EVENTS)) {
                return Optional.of(new Ignored(Ignored.WRONG_TOPIC, "a " + ((SpecificRecord) event).getSchema().getName()
                        + " on " + topic + ", not on " + Topics.JOB_EVENTS));
            }
            if (event instanceof JobStarted started) {
                Optional<Ignored> refused = identifiers(started.getRunId(), started.getJobName());
                return refused.isPresent() ? refused : scheduler.apply(AvroEvents.started(started), seenAt);
            }
            JobCompleted completion = (JobCompleted) event;
            Optional<Ignored> refused = identifiers(completion.getRunId(), completion.getJobName());
            return refused.isPresent() ? refused : scheduler.apply(AvroEvents.completed(completion), seenAt);
        }
        return Optional.of(new Ignored(Ignored.NOT_AN_EVENT, event == null ? "an empty record"
                : "a " + event.getClass().getSimpleName()));
    }

    /** Like {@link #apply(Scheduler, String, Object, Instant)}, seen now by the scheduler's clock. */
    public static Optional<Ignored> apply(Scheduler scheduler, String topic, Object event) {
        return apply(scheduler, topic, event, scheduler.now());
    }

    /** Folds an event as if read from the topic it belongs on. */
    public static Optional<Ignored> apply(Scheduler scheduler, Object event) {
        String topic = event instanceof JobRequested request ? requestTopic(request.getJobType()) : Topics.JOB_EVENTS;
        return apply(scheduler, topic, event);
    }

    /** Why a request the scheduler itself publishes would be refused by the bus's limits, or empty. */
    public static Optional<Ignored> refusal(Requested request) {
        return LIMITS.check(AvroEvents.toAvro(request)).map(v -> new Ignored(v.reason(), v.detail()));
    }

    private static Optional<Ignored> identifiers(String runId, String jobName) {
        Optional<RequestLimits.Violation> violation = LIMITS.checkIdentifier("runId", runId);
        if (violation.isEmpty()) {
            violation = LIMITS.checkIdentifier("jobName", jobName);
        }
        return violation.map(v -> new Ignored(v.reason(), v.detail()));
    }

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
}
