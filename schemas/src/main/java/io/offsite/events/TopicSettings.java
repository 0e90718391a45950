package io.offsite.events;

import io.offsite.events.Topics.JobType;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The one definition of Offsite's topics and their settings: every component that creates topics (the embedded
 * broker, the provisioning, the services when a topic is missing) builds them from here.
 *
 * <p>Retention per topic: the job-events topic is the scheduler's event log, from which it rebuilds its state after
 * a restart (last fires, last successes, stored backups, verification outcomes), so it keeps records for
 * {@link #DEFAULT_EVENT_RETENTION}, longer than a yearly schedule. The scheduler counts a completion only together
 * with its request, so the request topics keep records as long by default. Dead-letter topics keep refused records
 * for {@link #DEFAULT_DEAD_LETTER_RETENTION}. The leadership topic holds no records and keeps the broker's defaults.
 *
 * @param partitions          partitions of every topic but the single-partition leadership topic
 * @param replicationFactor   replicas of every topic
 * @param eventRetention      {@code retention.ms} of {@link Topics#JOB_EVENTS}
 * @param requestRetention    {@code retention.ms} of the request topics
 * @param deadLetterRetention {@code retention.ms} of the dead-letter topics
 */
public record TopicSettings(int partitions, short replicationFactor, Duration eventRetention, Duration requestRetention,
                            Duration deadLetterRetention) {

    public static final int DEFAULT_PARTITIONS = 6;
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(400);
    public static final Duration DEFAULT_REQUEST_RETENTION = DEFAULT_EVENT_RETENTION;
    public static final Duration DEFAULT_DEAD_LETTER_RETENTION = Duration.ofDays(30);
    public static final TopicSettings DEFAULTS = new TopicSettings(DEFAULT_PARTITIONS, (short) 1, DEFAULT_EVENT_RETENTION,
            DEFAULT_REQUEST_RETENTION, DEFAULT_DEAD_LETTER_RETENTION);

    /** Configuration keys read by {@link #from}; as environment variables {@code OFFSITE_TOPICS_EVENT_RETENTION} etc. */
    public static final String PARTITIONS = "offsite.topics.partitions";
    public static final String REPLICATION_FACTOR = "offsite.topics.replication-factor";
    public static final String EVENT_RETENTION = "offsite.topics.event-retention";
    public static final String REQUEST_RETENTION = "offsite.topics.request-retention";
    public static final String DEAD_LETTER_RETENTION = "offsite.topics.dead-letter-retention";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    public TopicSettings {
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("topics need at least one partition and one replica, got " + partitions
                    + " and " + replicationFactor);
        }
        requirePositive(EVENT_RETENTION, eventRetention);
        requirePositive(REQUEST_RETENTION, requestRetention);
        requirePositive(DEAD_LETTER_RETENTION, deadLetterRetention);
    }

    private static void requirePositive(String key, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be a positive duration, got " + value);
        }
    }

    /**
     * Settings from configuration: {@code property} answers a key such as {@value #EVENT_RETENTION} (null when unset);
     * durations are written {@code 400d}, {@code 12h}, {@code 30m}, {@code 10s}, {@code 500ms} or ISO-8601.
     * The request retention follows the event retention unless set itself.
     */
    public static TopicSettings from(Function<String, String> property) {
        Duration events = duration(property, EVENT_RETENTION, DEFAULT_EVENT_RETENTION);
        return new TopicSettings(
                integer(property, PARTITIONS, DEFAULT_PARTITIONS),
                (short) integer(property, REPLICATION_FACTOR, 1),
                events,
                duration(property, REQUEST_RETENTION, events),
                duration(property, DEAD_LETTER_RETENTION, DEFAULT_DEAD_LETTER_RETENTION));
    }

    public TopicSettings withPartitions(int value) {
        return new TopicSettings(value, replicationFactor, eventRetention, requestRetention, deadLetterRetention);
    }

    public TopicSettings withReplicationFactor(short value) {
        return new TopicSettings(partitions, value, eventRetention, requestRetention, deadLetterRetention);
    }

    public TopicSpec jobEvents() {
        return spec(Topics.JOB_EVENTS, partitions, eventRetention);
    }

    public TopicSpec requests(JobType type) {
        return spec(type.requestTopic(), partitions, requestRetention);
    }

    public TopicSpec deadLetters(JobType type) {
        return spec(Topics.deadLetterTopic(type.requestTopic()), partitions, deadLetterRetention);
    }

    /** The scheduler's leadership topic under {@code name}: one partition, the broker's default configs. */
    public TopicSpec leadership(String name) {
        return new TopicSpec(name, 1, replicationFactor, Map.of());
    }

    /** Every topic Offsite uses: request topics, their dead-letter topics, the event topic and the leadership topic. */
    public List<TopicSpec> all() {
        List<TopicSpec> specs = new ArrayList<>();
        for (JobType type : JobType.values()) {
            specs.add(requests(type));
            specs.add(deadLetters(type));
        }
        specs.add(jobEvents());
        specs.add(leadership(Topics.SCHEDULER_LEADERSHIP));
        return List.copyOf(specs);
    }

    private TopicSpec spec(String name, int partitionCount, Duration retention) {
        return new TopicSpec(name, partitionCount, replicationFactor,
                Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())));
    }

    private static int integer(Function<String, String> property, String key, int fallback) {
        String value = property.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    private static Duration duration(Function<String, String> property, String key, Duration fallback) {
        String value = property.apply(key);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return parseDuration(key, value.trim());
    }

    /** Parses {@code 400d}, {@code 12h}, {@code 30m}, {@code 10s}, {@code 500ms} or an ISO-8601 duration such as {@code P400D}. */
    static Duration parseDuration(String key, String value) {
        Matcher m = SIMPLE_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(key + " must be a duration such as 400d, 12h or P400D, got '" + value + "'");
        }
    }

    /** Human form of a duration for log lines: {@code 400d}, {@code 36h}, {@code 90m} or {@code 10s}. */
    public static String describe(Duration duration) {
        if (duration.toMillis() % Duration.ofDays(1).toMillis() == 0) {
            return duration.toDays() + "d";
        }
        if (duration.toMillis() % Duration.ofHours(1).toMillis() == 0) {
            return duration.toHours() + "h";
        }
        if (duration.toMillis() % Duration.ofMinutes(1).toMillis() == 0) {
            return duration.toMinutes() + "m";
        }
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
