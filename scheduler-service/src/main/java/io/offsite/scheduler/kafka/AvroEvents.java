package io.offsite.scheduler.kafka;

import io.offsite.events.EventTrust;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.scheduler.runs.Completed;
import io.offsite.scheduler.runs.Requested;
import io.offsite.scheduler.runs.RunStatus;
import io.offsite.scheduler.runs.Started;
import io.offsite.scheduler.runs.Trigger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The scheduler core's events and the bus's Avro events, field for field: events read from the topics become
 * {@link Requested}, {@link Started} and {@link Completed}; the requests and completions the core decides become
 * {@link JobRequested} and {@link JobCompleted} to publish.
 */
public final class AvroEvents {

    static {
        // building events with array defaults needs the event classes trusted by Avro
        EventTrust.install();
    }

    private AvroEvents() {
    }

    public static Requested requested(JobRequested r) {
        return new Requested(r.getRunId(), r.getJobName(), r.getJobType(), r.getAttempt(), r.getMaxAttempts(),
                Trigger.valueOf(r.getTrigger().name()), r.getScheduledFor(), r.getRequestedAt(), r.getDeadline(),
                r.getCausationRunId(), r.getRequestedBy(), r.getParameters());
    }

    public static Started started(JobStarted s) {
        return new Started(s.getRunId(), s.getJobName(), s.getJobType(), s.getAttempt(), s.getStartedAt(), s.getWorker(),
                s.getDeadline());
    }

    public static Completed completed(JobCompleted c) {
        List<Completed.Artifact> artifacts = new ArrayList<>(c.getArtifacts().size());
        for (Artifact a : c.getArtifacts()) {
            artifacts.add(new Completed.Artifact(a.getBucket(), a.getKey(), a.getSizeBytes(), a.getSha256(),
                    a.getSourceBytes(), a.getCompression(), a.getSourceSha256()));
        }
        JobError error = c.getError();
        return new Completed(c.getRunId(), c.getJobName(), c.getJobType(), c.getAttempt(),
                RunStatus.valueOf(c.getStatus().name()), c.getRetryable(), c.getStartedAt(), c.getFinishedAt(),
                c.getWorker(), error == null ? null : new Completed.Error(error.getType(), error.getMessage()),
                List.copyOf(artifacts), c.getStats(), c.getMessage(), c.getScheduledFor(), c.getDeletedKeys());
    }

    public static JobRequested toAvro(Requested r) {
        return JobRequested.newBuilder()
                .setRunId(r.runId())
                .setJobName(r.jobName())
                .setJobType(r.jobType())
                .setAttempt(r.attempt())
                .setMaxAttempts(r.maxAttempts())
                .setTrigger(io.offsite.events.v1.Trigger.valueOf(r.trigger().name()))
                .setScheduledFor(r.scheduledFor())
                .setRequestedAt(r.requestedAt())
                .setDeadline(r.deadline())
                .setCausationRunId(r.causationRunId())
                .setRequestedBy(r.requestedBy())
                .setParameters(new TreeMap<>(r.parameters()))
                .build();
    }

    public static JobCompleted toAvro(Completed c) {
        List<Artifact> artifacts = new ArrayList<>(c.artifacts().size());
        for (Completed.Artifact a : c.artifacts()) {
            artifacts.add(new Artifact(a.bucket(), a.key(), a.sizeBytes(), a.sha256(), a.sourceBytes(), a.compression(),
                    a.sourceSha256()));
        }
        return JobCompleted.newBuilder()
                .setRunId(c.runId())
                .setJobName(c.jobName())
                .setJobType(c.jobType())
                .setAttempt(c.attempt())
                .setStatus(JobStatus.valueOf(c.status().name()))
                .setRetryable(c.retryable())
                .setStartedAt(c.startedAt())
                .setFinishedAt(c.finishedAt())
                .setWorker(c.worker())
                .setError(c.error() == null ? null : new JobError(c.error().type(), c.error().message()))
                .setArtifacts(artifacts)
                .setStats(new TreeMap<>(c.stats()))
                .setMessage(c.message())
                .setScheduledFor(c.scheduledFor())
                .setDeletedKeys(new ArrayList<>(c.deletedKeys()))
                .build();
    }
}
