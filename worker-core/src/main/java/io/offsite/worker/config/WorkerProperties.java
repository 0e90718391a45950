package io.offsite.worker.config;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How a worker consumes its request topic.
 *
 * @param groupId consumer group shared by every instance of this worker (default {@code offsite-<type>-workers});
 *        a worker with several handlers appends {@code -<type>} to it, one group per request topic
 * @param concurrency consumer threads in this instance; each runs one job at a time
 * @param maxPollInterval Kafka's {@code max.poll.interval.ms}: must exceed the longest job, or a long job
 *        triggers a rebalance and runs twice
 * @param defaultTimeout deadline for requests that carry none
 * @param cleanupGrace how long a timed-out job may take to clean up after it was interrupted
 * @param shutdownGrace how long a running job may finish when the worker stops before it is interrupted
 *        (its request is then redelivered to another instance)
 * @param acceptedJobs job names this worker accepts, across all its handlers; empty accepts every job of its types
 * @param partitions partitions of the topics this worker creates when they are missing
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
        @Min(1) int partitions) {

    public WorkerProperties {
        concurrency = concurrency == 0 ? 1 : concurrency;
        maxPollInterval = maxPollInterval == null ? Duration.ofMinutes(40) : maxPollInterval;
        defaultTimeout = defaultTimeout == null ? Duration.ofHours(1) : defaultTimeout;
        cleanupGrace = cleanupGrace == null ? Duration.ofSeconds(30) : cleanupGrace;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(30) : shutdownGrace;
        acceptedJobs = acceptedJobs == null ? List.of() : List.copyOf(acceptedJobs);
        partitions = partitions == 0 ? 6 : partitions;
    }
}
