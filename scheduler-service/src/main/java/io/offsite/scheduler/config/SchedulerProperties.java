package io.offsite.scheduler.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the scheduler reads from configuration, under {@code offsite.scheduler}.
 *
 * @param apiToken               the secret every HTTP API call must present as {@code Authorization: Bearer <token>};
 *                               required (at least 16 characters) unless {@code apiAuth} is {@code DISABLED}
 * @param apiAuth                {@code REQUIRED} (default): no start without a token; {@code DISABLED}: the API is open
 * @param tickInterval           how often the leader evaluates cron fires, retries and deadlines
 * @param missedFireGrace        a cron fire or dependency trigger later than this is skipped and reported
 * @param timeoutGrace           how long after a run's deadline the scheduler declares it TIMED_OUT
 * @param historyLimit           runs kept in memory for the HTTP API over all jobs (active runs are always kept)
 * @param instanceId             this replica's name in events; defaults to scheduler@host:pid
 * @param leadershipTopic        single-partition topic whose assignee is the leader
 * @param leadershipGroup        consumer group shared by all replicas of one deployment
 * @param leadershipSessionTimeout how soon a dead leader is replaced
 * @param topicPartitions        partitions of request and event topics the scheduler creates when missing
 * @param topicReplicationFactor replication factor of topics it creates
 * @param publishTimeout         how long one publish may take before the decision is retried
 * @param externalJobs           jobs run by other systems that our jobs may depend on
 * @param jobs                   our jobs by name
 * @param webhook                where completions are announced; off while its URL is blank
 * @param history                how much run history each job keeps in memory
 */
@Validated
@ConfigurationProperties("offsite.scheduler")
public record SchedulerProperties(
        String apiToken,
        @NotNull @DefaultValue("REQUIRED") ApiAuth apiAuth,
        @NotNull @DefaultValue("PT1S") Duration tickInterval,
        @NotNull @DefaultValue("PT10M") Duration missedFireGrace,
        @NotNull @DefaultValue("PT30S") Duration timeoutGrace,
        @Min(1) @DefaultValue("10000") int historyLimit,
        String instanceId,
        @NotBlank @DefaultValue("offsite.scheduler.leadership") String leadershipTopic,
        @NotBlank @DefaultValue("offsite-scheduler") String leadershipGroup,
        @NotNull @DefaultValue("PT6S") Duration leadershipSessionTimeout,
        @Min(1) @DefaultValue("6") int topicPartitions,
        @Min(1) @DefaultValue("1") short topicReplicationFactor,
        @NotNull @DefaultValue("PT10S") Duration publishTimeout,
        List<String> externalJobs,
        Map<String, @Valid Job> jobs,
        @Valid @DefaultValue Webhook webhook,
        @Valid @DefaultValue History history) {

    public SchedulerProperties {
        externalJobs = externalJobs == null ? List.of() : List.copyOf(externalJobs);
        jobs = jobs == null ? Map.of() : Map.copyOf(jobs);
    }

    /** Whether the HTTP API checks the bearer token. */
    public enum ApiAuth {
        REQUIRED,
        DISABLED
    }

    /** One job as configured; validated into a {@code JobDefinition} at start-up.
     *
     * @param callerParameters parameters an API caller may set when triggering the job; none by default
     * @param maxAge BACKUP and VERIFY jobs: the oldest the last success may be before the job's health is DOWN;
     *               default twice the cron schedule's interval, no check for a job without cron
     */
    public record Job(
            String type,
            String cron,
            String zone,
            Duration timeout,
            Integer retries,
            Duration retryDelay,
            Boolean exclusive,
            List<String> dependsOn,
            Boolean enabled,
            Map<String, String> parameters,
            Duration maxAge,
            List<String> callerParameters) {

        public Job {
            callerParameters = callerParameters == null ? List.of() : List.copyOf(callerParameters);
        }
    }

    /**
     * The run history kept in memory for the HTTP API, per job; {@code history-limit} bounds it over all jobs.
     *
     * @param runsPerJob most runs of one job kept; older ones are dropped first, active runs never
     */
    public record History(@Min(1) @DefaultValue("1000") int runsPerJob) {
    }

    /**
     * HTTP notifications of finished runs.
     *
     * @param url      http(s) address the JSON is POSTed to; notifications are off while blank
     * @param notifyOn {@code all} finished runs, or {@code failures} only
     * @param timeout  connect and response timeout of one attempt
     * @param attempts attempts per notification, including the first
     * @param backoff  pause before the second attempt, doubled before each further one
     * @param group    consumer group of the notifying consumers; replicas share it, so each completion is sent once
     * @param headers  extra request headers, e.g. {@code Authorization}
     */
    public record Webhook(
            String url,
            @NotNull @DefaultValue("ALL") Notify notifyOn,
            @NotNull @DefaultValue("PT5S") Duration timeout,
            @Min(1) @DefaultValue("3") int attempts,
            @NotNull @DefaultValue("PT1S") Duration backoff,
            @NotBlank @DefaultValue("offsite-scheduler-webhook") String group,
            Map<String, String> headers) {

        public Webhook {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public boolean enabled() {
            return url != null && !url.isBlank();
        }

        /** Which finished runs are notified. */
        public enum Notify {
            ALL,
            FAILURES
        }
    }
}
