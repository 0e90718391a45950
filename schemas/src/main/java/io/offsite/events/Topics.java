package io.offsite.events;

import java.util.List;
import java.util.Locale;

/**
 * The one place where Offsite's Kafka topic names live.
 *
 * <p>Each job type has its own request topic; started and completed events of every job share
 * {@link #JOB_EVENTS}; each request topic has a dead-letter topic for records that cannot be decoded.
 * Records are keyed by job name, so all runs of one job land on one partition, in order.
 * {@link TopicSettings} gives each topic its partitions, replication factor and retention.
 */
public final class Topics {

    public static final String REQUESTS_BACKUP = "offsite.requests.backup";
    public static final String REQUESTS_ROTATION = "offsite.requests.rotation";
    public static final String REQUESTS_REPLICATION = "offsite.requests.replication";
    public static final String REQUESTS_VERIFY = "offsite.requests.verify";
    public static final String JOB_EVENTS = "offsite.job-events";
    /** Single-partition topic whose consumer-group assignment elects the leading scheduler; no records are written to it. */
    public static final String SCHEDULER_LEADERSHIP = "offsite.scheduler.leadership";

    /** Suffix of a request topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlt";

    /** Job types and the request topic each one is consumed from. */
    public enum JobType {
        BACKUP(REQUESTS_BACKUP),
        ROTATION(REQUESTS_ROTATION),
        REPLICATION(REQUESTS_REPLICATION),
        VERIFY(REQUESTS_VERIFY);

        private final String requestTopic;

        JobType(String requestTopic) {
            this.requestTopic = requestTopic;
        }

        public String requestTopic() {
            return requestTopic;
        }

        /** The consumer group workers of this type share by default: {@code offsite-<type>-workers}. */
        public String workerGroup() {
            return "offsite-" + name().toLowerCase(Locale.ROOT) + "-workers";
        }

        /** Parses a job type case-insensitively; throws with the accepted values when unknown. */
        public static JobType parse(String value) {
            for (JobType type : values()) {
                if (type.name().equalsIgnoreCase(value)) {
                    return type;
                }
            }
            throw new IllegalArgumentException(
                    "unknown job type '" + value + "', expected one of " + List.of(values()).toString().toLowerCase(Locale.ROOT));
        }
    }

    private Topics() {
    }

    public static String requestTopic(JobType type) {
        return type.requestTopic();
    }

    public static String deadLetterTopic(String requestTopic) {
        return requestTopic + DEAD_LETTER_SUFFIX;
    }

    /** Request topics, their dead-letter topics and the event topic (not the scheduler's leadership topic). */
    public static List<String> all() {
        var topics = new java.util.ArrayList<String>();
        for (JobType type : JobType.values()) {
            topics.add(type.requestTopic());
            topics.add(deadLetterTopic(type.requestTopic()));
        }
        topics.add(JOB_EVENTS);
        return List.copyOf(topics);
    }
}
