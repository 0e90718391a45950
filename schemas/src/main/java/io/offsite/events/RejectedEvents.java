package io.offsite.events;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records that a consumer read from the shared bus and dropped: each one is counted in
 * {@code offsite_events_rejected_total{consumer,topic,reason}} and logged as one WARN line naming where it was
 * (topic, partition, offset) and why. Every consumer of Offsite's topics reports through this, so an operator
 * finds a misbehaving producer with one query, whichever service met its records.
 *
 * <p>Tag values stay bounded: {@code consumer} is fixed per instance, {@code topic} is one of the topics it
 * subscribes to, and {@code reason} is one of a small set of stable words chosen by the code, never taken from
 * the record.
 */
public final class RejectedEvents {

    /** The Micrometer name; Prometheus shows it as {@code offsite_events_rejected_total}. */
    public static final String METRIC = "offsite.events.rejected";

    private static final Logger log = LoggerFactory.getLogger(RejectedEvents.class);
    /** Longest detail put into a log line: a hostile record must not write megabytes of log. */
    private static final int DETAIL_LIMIT = 500;

    private final MeterRegistry registry;

    public RejectedEvents(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Counts and logs one dropped record: one WARN line with where it was and why. */
    public void reject(String consumer, String topic, int partition, long offset, String reason, String detail) {
        count(consumer, topic, reason);
        log.warn("Rejected record {}-{}@{} ({}, {}): {}", topic, partition, offset, consumer, reason, abbreviate(detail));
    }

    /** Counts one dropped record; for callers that log it themselves. */
    public void count(String consumer, String topic, String reason) {
        counter(consumer, topic, reason).increment();
    }

    /** The counter of one consumer, topic and reason. */
    public Counter counter(String consumer, String topic, String reason) {
        return Counter.builder(METRIC)
                .description("Records read from Offsite's topics and dropped: undecodable, not what the topic carries, "
                        + "past the request limits, outside the time window, or of a job the consumer does not know")
                .tag("consumer", consumer)
                .tag("topic", topic)
                .tag("reason", reason)
                .register(registry);
    }

    /** Total records {@code consumer} rejected, over every topic and reason. */
    public long total(String consumer) {
        return (long) registry.find(METRIC).tag("consumer", consumer).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** A detail fit for one log line: control characters replaced, at most 500 characters. */
    public static String abbreviate(String detail) {
        if (detail == null) {
            return "";
        }
        String oneLine = detail.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() <= DETAIL_LIMIT ? oneLine
                : oneLine.substring(0, DETAIL_LIMIT) + "… (" + oneLine.length() + " characters)";
    }
}
