package io.offsite.scheduler.runs;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Builders of the core's event records for tests, named and defaulted as the events' schemas are (attempt 1, trigger
 * EXTERNAL, no parameters, not retryable, no artifacts, stats or deleted keys; instants to the millisecond), so a
 * test reads like the event it stands for.
 */
public final class Events {

    private Events() {
    }

    public static RequestBuilder request() {
        return new RequestBuilder();
    }

    /** A copy of {@code template} to change. */
    public static RequestBuilder request(Requested template) {
        RequestBuilder b = new RequestBuilder();
        b.runId = template.runId();
        b.jobName = template.jobName();
        b.jobType = template.jobType();
        b.attempt = template.attempt();
        b.maxAttempts = template.maxAttempts();
        b.trigger = template.trigger();
        b.scheduledFor = template.scheduledFor();
        b.requestedAt = template.requestedAt();
        b.deadline = template.deadline();
        b.causationRunId = template.causationRunId();
        b.requestedBy = template.requestedBy();
        b.parameters = template.parameters();
        return b;
    }

    public static CompletionBuilder completion() {
        return new CompletionBuilder();
    }

    /** A copy of {@code template} to change. */
    public static CompletionBuilder completion(Completed template) {
        CompletionBuilder b = new CompletionBuilder();
        b.runId = template.runId();
        b.jobName = template.jobName();
        b.jobType = template.jobType();
        b.attempt = template.attempt();
        b.status = template.status();
        b.retryable = template.retryable();
        b.startedAt = template.startedAt();
        b.finishedAt = template.finishedAt();
        b.worker = template.worker();
        b.error = template.error();
        b.artifacts = template.artifacts();
        b.stats = template.stats();
        b.message = template.message();
        b.scheduledFor = template.scheduledFor();
        b.deletedKeys = template.deletedKeys();
        return b;
    }

    public static StartedBuilder started() {
        return new StartedBuilder();
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
    }

    public static final class RequestBuilder {
        private String runId;
        private String jobName;
        private String jobType;
        private int attempt = 1;
        private int maxAttempts = 1;
        private Trigger trigger = Trigger.EXTERNAL;
        private Instant scheduledFor;
        private Instant requestedAt;
        private Instant deadline;
        private String causationRunId;
        private String requestedBy;
        private Map<String, String> parameters = Map.of();

        public RequestBuilder setRunId(String value) {
            runId = value;
            return this;
        }

        public RequestBuilder setJobName(String value) {
            jobName = value;
            return this;
        }

        public RequestBuilder setJobType(String value) {
            jobType = value;
            return this;
        }

        public RequestBuilder setAttempt(int value) {
            attempt = value;
            return this;
        }

        public RequestBuilder setMaxAttempts(int value) {
            maxAttempts = value;
            return this;
        }

        public RequestBuilder setTrigger(Trigger value) {
            trigger = value;
            return this;
        }

        public RequestBuilder setScheduledFor(Instant value) {
            scheduledFor = millis(value);
            return this;
        }

        public RequestBuilder setRequestedAt(Instant value) {
            requestedAt = millis(value);
            return this;
        }

        public RequestBuilder setDeadline(Instant value) {
            deadline = millis(value);
            return this;
        }

        public RequestBuilder setCausationRunId(String value) {
            causationRunId = value;
            return this;
        }

        public RequestBuilder setRequestedBy(String value) {
            requestedBy = value;
            return this;
        }

        public RequestBuilder setParameters(Map<String, String> value) {
            parameters = value;
            return this;
        }

        public Requested build() {
            return new Requested(runId, jobName, jobType, attempt, maxAttempts, trigger, scheduledFor, requestedAt,
                    deadline, causationRunId, requestedBy, parameters);
        }
    }

    public static final class CompletionBuilder {
        private String runId;
        private String jobName;
        private String jobType;
        private int attempt = 1;
        private RunStatus status;
        private boolean retryable;
        private Instant startedAt;
        private Instant finishedAt;
        private String worker;
        private Completed.Error error;
        private List<Completed.Artifact> artifacts = List.of();
        private Map<String, Long> stats = Map.of();
        private String message;
        private Instant scheduledFor;
        private List<String> deletedKeys = List.of();

        public CompletionBuilder setRunId(String value) {
            runId = value;
            return this;
        }

        public CompletionBuilder setJobName(String value) {
            jobName = value;
            return this;
        }

        public CompletionBuilder setJobType(String value) {
            jobType = value;
            return this;
        }

        public CompletionBuilder setAttempt(int value) {
            attempt = value;
            return this;
        }

        public CompletionBuilder setStatus(RunStatus value) {
            status = value;
            return this;
        }

        public CompletionBuilder setRetryable(boolean value) {
            retryable = value;
            return this;
        }

        public CompletionBuilder setStartedAt(Instant value) {
            startedAt = millis(value);
            return this;
        }

        public CompletionBuilder setFinishedAt(Instant value) {
            finishedAt = millis(value);
            return this;
        }

        public CompletionBuilder setWorker(String value) {
            worker = value;
            return this;
        }

        public CompletionBuilder setError(Completed.Error value) {
            error = value;
            return this;
        }

        public CompletionBuilder setArtifacts(List<Completed.Artifact> value) {
            artifacts = value;
            return this;
        }

        public CompletionBuilder setStats(Map<String, Long> value) {
            stats = value;
            return this;
        }

        public CompletionBuilder setMessage(String value) {
            message = value;
            return this;
        }

        public CompletionBuilder setScheduledFor(Instant value) {
            scheduledFor = millis(value);
            return this;
        }

        public CompletionBuilder setDeletedKeys(List<String> value) {
            deletedKeys = value;
            return this;
        }

        public Completed build() {
            return new Completed(runId, jobName, jobType, attempt, status, retryable, startedAt, finishedAt, worker, error,
                    artifacts, stats, message, scheduledFor, deletedKeys);
        }
    }

    public static final class StartedBuilder {
        private String runId;
        private String jobName;
        private String jobType;
        private int attempt = 1;
        private Instant startedAt;
        private String worker;
        private Instant deadline;

        public StartedBuilder setRunId(String value) {
            runId = value;
            return this;
        }

        public StartedBuilder setJobName(String value) {
            jobName = value;
            return this;
        }

        public StartedBuilder setJobType(String value) {
            jobType = value;
            return this;
        }

        public StartedBuilder setAttempt(int value) {
            attempt = value;
            return this;
        }

        public StartedBuilder setStartedAt(Instant value) {
            startedAt = millis(value);
            return this;
        }

        public StartedBuilder setWorker(String value) {
            worker = value;
            return this;
        }

        public StartedBuilder setDeadline(Instant value) {
            deadline = millis(value);
            return this;
        }

        public Started build() {
            return new Started(runId, jobName, jobType, attempt, startedAt, worker, deadline);
        }
    }
}
