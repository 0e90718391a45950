package io.offsite.worker.settings;

import io.offsite.events.RequestLimits;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.validation.annotation.Validated;

/**
 * How a worker consumes its request topic, and what it accepts from it.
 *
 * @param groupId consumer group shared by every instance of this worker (default {@code offsite-<type>-workers});
 *        a worker with several handlers appends {@code -<type>} to it, one group per request topic
 * @param concurrency jobs of one type this instance runs at once (default 1); one consumer per type feeds them and
 *        keeps polling while they run
 * @param maxPollInterval Kafka's {@code max.poll.interval.ms} of the request consumers; they keep polling while jobs
 *        run, so it catches only a stuck consumer thread; it also bounds {@code maxRunTime}
 * @param defaultTimeout deadline for requests that carry none (default: {@code maxRunTime}); capped like any deadline
 * @param cleanupGrace how long a timed-out job may take to clean up after it was interrupted
 * @param shutdownGrace how long a running job may finish when the worker stops before it is interrupted
 *        (its request is then redelivered to another instance)
 * @param acceptedJobs job names this worker accepts, across all its handlers; empty accepts every job of its types
 * @param partitions partitions of the topics this worker creates when they are missing
 * @param maxLag how far in the past a request's {@code scheduledFor} may lie (default 7 days); older requests are
 *        REJECTED with {@code SCHEDULED_FOR_OUT_OF_RANGE}
 * @param maxSkew how far in the future a request's {@code scheduledFor} may lie (default 5 minutes: clock skew
 *        between producer and worker); later requests are REJECTED with {@code SCHEDULED_FOR_OUT_OF_RANGE}
 * @param maxRunTime the longest a run may take, whatever deadline its request names (default
 *        {@code maxPollInterval} minus 5 minutes, at most half of it); must be shorter than {@code maxPollInterval}
 * @param limits sizes a request may have, and sizes of what the worker publishes and tags metrics with
 * @param sessionTimeout Kafka's {@code session.timeout.ms} of the request consumers (default 10 s; heartbeats every
 *        third of it): how long after an instance dies its partitions, and the request it was running, move to another
 *        instance. The broker must allow it ({@code group.min.session.timeout.ms}, 6 s by default, to
 *        {@code group.max.session.timeout.ms}, 30 minutes by default)
 * @param expectedJobs job names this worker expects without refusing others (e.g. the scheduler's jobs of its types):
 *        its per-job metrics exist at 0 for them from the start; ignored when {@code acceptedJobs} is set (those are
 *        the expected ones then)
 */
@Validated
@ConfigurationProperties("offsite.worker")
public record WorkerProperties(
        String groupId,
        @Min(1) int concurrency,
        Duration maxPollInterval,
        Duration defaultTimeout,
        Duration cleanupGrace,
        Duration shutdownGrace,
        List<String> acceptedJobs,
        @Min(1) int partitions,
        Duration maxLag,
        Duration maxSkew,
        Duration maxRunTime,
        Limits limits,
        Duration sessionTimeout,
        List<String> expectedJobs) {

    static final Duration RUN_TIME_MARGIN = Duration.ofMinutes(5);

    @ConstructorBinding
    public WorkerProperties {
        concurrency = concurrency == 0 ? 1 : concurrency;
        maxPollInterval = maxPollInterval == null ? Duration.ofMinutes(40) : maxPollInterval;
        cleanupGrace = cleanupGrace == null ? Duration.ofSeconds(30) : cleanupGrace;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(30) : shutdownGrace;
        acceptedJobs = acceptedJobs == null ? List.of() : List.copyOf(acceptedJobs);
        partitions = partitions == 0 ? 6 : partitions;
        maxLag = maxLag == null ? Duration.ofDays(7) : maxLag;
        maxSkew = maxSkew == null ? Duration.ofMinutes(5) : maxSkew;
        maxRunTime = maxRunTime == null ? defaultMaxRunTime(maxPollInterval) : maxRunTime;
        defaultTimeout = defaultTimeout == null ? maxRunTime : defaultTimeout;
        limits = limits == null ? new Limits(0, 0, 0, 0, 0, 0) : limits;
        sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
        expectedJobs = expectedJobs == null ? List.of() : List.copyOf(expectedJobs);
        requirePositive("max-poll-interval", maxPollInterval);
        requirePositive("max-run-time", maxRunTime);
        requirePositive("default-timeout", defaultTimeout);
        if (sessionTimeout.compareTo(Duration.ofSeconds(3)) < 0 || sessionTimeout.compareTo(maxPollInterval) >= 0) {
            throw new IllegalArgumentException("offsite.worker.session-timeout must be at least 3s (heartbeats go every third "
                    + "of it) and shorter than offsite.worker.max-poll-interval (" + maxPollInterval + "), got " + sessionTimeout);
        }
        if (maxLag.isNegative() || maxSkew.isNegative()) {
            throw new IllegalArgumentException("offsite.worker.max-lag and max-skew must not be negative, got " + maxLag + " and " + maxSkew);
        }
        if (maxRunTime.compareTo(maxPollInterval) >= 0) {
            throw new IllegalArgumentException("offsite.worker.max-run-time (" + maxRunTime + ") must be shorter than "
                    + "offsite.worker.max-poll-interval (" + maxPollInterval + "): a run longer than max-poll-interval is "
                    + "given to another instance by a rebalance and runs twice; lower max-run-time or raise max-poll-interval");
        }
    }

    /** The settings of a worker that predates the request window and limits: every later setting at its default. */
    public WorkerProperties(String groupId, int concurrency, Duration maxPollInterval, Duration defaultTimeout,
                            Duration cleanupGrace, Duration shutdownGrace, List<String> acceptedJobs, int partitions) {
        this(groupId, concurrency, maxPollInterval, defaultTimeout, cleanupGrace, shutdownGrace, acceptedJobs, partitions,
                null, null, null, null, null, null);
    }

    /** Kafka's {@code heartbeat.interval.ms}: a third of the session timeout, as Kafka recommends. */
    public Duration heartbeatInterval() {
        return Duration.ofMillis(sessionTimeout.toMillis() / 3);
    }

    /** {@code maxPollInterval} minus 5 minutes (a run's cleanup and its completion fit in the rest), at most half of it. */
    static Duration defaultMaxRunTime(Duration maxPollInterval) {
        Duration half = maxPollInterval.dividedBy(2);
        Duration margin = RUN_TIME_MARGIN.compareTo(half) < 0 ? RUN_TIME_MARGIN : half;
        return maxPollInterval.minus(margin);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException("offsite.worker." + name + " must be positive, got " + value);
        }
    }

    /**
     * Sizes a request may have (past them it is dead-lettered, never echoed into a completion), the length of
     * completion texts, and how many distinct job names metrics are tagged with.
     *
     * @param fieldLength longest runId, jobName, jobType, requestedBy or causationRunId, in chars (default 256)
     * @param parameterNameLength longest parameter name (default 256)
     * @param parameterValueLength longest parameter value (default 4096)
     * @param parameters most parameters in one request (default 64)
     * @param messageLength longest {@code message} and {@code error.message} of a completion; longer ones are cut
     *        with a visible mark (default 4096)
     * @param metricJobNames most distinct job names in metric tags when no accepted jobs are configured; later
     *        names are tagged {@code other} (default 100)
     */
    public record Limits(int fieldLength, int parameterNameLength, int parameterValueLength, int parameters,
                         int messageLength, int metricJobNames) {

        public Limits {
            fieldLength = orDefault(fieldLength, 256);
            parameterNameLength = orDefault(parameterNameLength, 256);
            parameterValueLength = orDefault(parameterValueLength, 4096);
            parameters = orDefault(parameters, 64);
            messageLength = orDefault(messageLength, 4096);
            metricJobNames = orDefault(metricJobNames, 100);
            if (fieldLength < 1 || parameterNameLength < 1 || parameterValueLength < 1 || parameters < 0
                    || messageLength < 64 || metricJobNames < 0) {
                throw new IllegalArgumentException("offsite.worker.limits: sizes must be positive and message-length at least 64");
            }
        }

        /** The request limits these settings describe (the rules themselves live in {@link RequestLimits}). */
        public RequestLimits requestLimits() {
            return new RequestLimits(fieldLength, parameterNameLength, parameterValueLength, parameters);
        }

        private static int orDefault(int value, int fallback) {
            return value == 0 ? fallback : value;
        }
    }
}
