package io.offsite.scheduler.runs;

/**
 * An event the scheduler read and did not let change its state, and why: the counters and the WARN line of the
 * event-log reader name {@code reason}, a stable lower-case word; {@code detail} says what was wrong.
 */
public record Ignored(String reason, String detail) {

    /** The job is neither in the catalog nor declared as external. */
    public static final String UNKNOWN_JOB = "unknown-job";
    /** The event's job type is not the catalog's type of the job. */
    public static final String JOB_TYPE_MISMATCH = "job-type-mismatch";
    /** A request read from a topic other than its job type's request topic, or a start/completion from a request topic. */
    public static final String WRONG_TOPIC = "wrong-topic";
    /** An attempt number below 1 or above the job's configured attempts. */
    public static final String INVALID_ATTEMPT = "invalid-attempt";
    /** A record type the scheduler has no use for on that topic. */
    public static final String NOT_AN_EVENT = "not-an-event";

    /** A value from an event, cut to 40 characters for a detail, a log line or the MDC. */
    public static String shorten(String value) {
        return value == null || value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
