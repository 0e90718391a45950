package io.offsite.scheduler.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.runs.Completed;
import io.offsite.scheduler.runs.RunStatus;
import io.offsite.scheduler.runs.Started;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core's events carry every field of the bus's: an event translated there and back is the same event. */
class AvroEventsTest {

    private static final Instant T = Instant.parse("2025-01-15T00:00:00.123Z");

    @Test
    void aRequestWithEveryFieldSetSurvivesTheRoundTrip() {
        JobRequested request = JobRequested.newBuilder()
                .setRunId("backup-database@x").setJobName("backup-database").setJobType("BACKUP").setAttempt(2)
                .setMaxAttempts(3).setTrigger(Trigger.DEPENDENCY).setScheduledFor(T).setRequestedAt(T.plusSeconds(1))
                .setDeadline(T.plusSeconds(300)).setCausationRunId("upstream@1").setRequestedBy("api:ops")
                .setParameters(Map.of("source", "pokemon-data", "dryRun", "true"))
                .build();
        assertThat(AvroEvents.toAvro(AvroEvents.requested(request))).isEqualTo(request);
    }

    @Test
    void aCompletionWithEveryFieldSetSurvivesTheRoundTrip() {
        JobCompleted completion = JobCompleted.newBuilder()
                .setRunId("rotate@x").setJobName("rotate-backups").setJobType("ROTATION").setAttempt(2)
                .setStatus(JobStatus.PARTIALLY_FAILED).setRetryable(true).setStartedAt(T).setFinishedAt(T.plusSeconds(9))
                .setWorker("w-1").setError(new JobError("S3_ERROR", "slow down"))
                .setArtifacts(List.of(new Artifact("offsite-backups", "a/b.gz", 10L, "ab", 40L, "gzip", "cd"),
                        new Artifact("offsite-backups", "a/c.gz", 11L, "ef", 44L, "zstd", null)))
                .setStats(Map.of("deleted", 2L)).setMessage("two of three").setScheduledFor(T.minusSeconds(60))
                .setDeletedKeys(List.of("a/old-1.gz", "a/old-2.gz"))
                .build();
        Completed translated = AvroEvents.completed(completion);
        assertThat(translated.status()).isEqualTo(RunStatus.PARTIALLY_FAILED);
        assertThat(AvroEvents.toAvro(translated)).isEqualTo(completion);
    }

    @Test
    void aStartKeepsItsFields() {
        JobStarted started = JobStarted.newBuilder().setRunId("r@1").setJobName("backup-database").setAttempt(3)
                .setStartedAt(T).setWorker("w-2").setJobType("BACKUP").setDeadline(T.plusSeconds(60)).build();
        assertThat(AvroEvents.started(started))
                .isEqualTo(new Started("r@1", "backup-database", "BACKUP", 3, T, "w-2", T.plusSeconds(60)));
    }

    @Test
    void everyStatusAndTriggerHasItsCounterpart() {
        for (JobStatus status : JobStatus.values()) {
            assertThat(RunStatus.valueOf(status.name()).active()).as(status.name()).isFalse();
        }
        for (Trigger trigger : Trigger.values()) {
            assertThat(io.offsite.scheduler.runs.Trigger.valueOf(trigger.name()).name()).isEqualTo(trigger.name());
        }
        assertThat(io.offsite.scheduler.runs.Trigger.values()).hasSameSizeAs(Trigger.values());
        for (io.offsite.events.Topics.JobType type : io.offsite.events.Topics.JobType.values()) {
            assertThat(io.offsite.scheduler.jobs.JobType.valueOf(type.name()).name()).isEqualTo(type.name());
        }
        assertThat(io.offsite.scheduler.jobs.JobType.values()).hasSameSizeAs(io.offsite.events.Topics.JobType.values());
    }
}
