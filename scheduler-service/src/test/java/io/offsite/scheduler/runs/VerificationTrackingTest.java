package io.offsite.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core remembers the latest conclusive verification of each series, from requests and completions it reads. */
class VerificationTrackingTest {

    private final SchedulerCore core = new SchedulerCore(new JobCatalog(List.of(
            new JobDraft("verify-backups", "VERIFY", "30 2 * * 0", "UTC", Duration.ofMinutes(10), 0, Duration.ZERO, true,
                    List.of(), true, Map.of("series", "pokemon-data", "sample", "newest+random")).toDefinition()),
            List.of()), new SchedulerPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), 1000, "scheduler"));

    private static JobRequested request(String runId, Map<String, String> parameters, Instant at) {
        return JobRequested.newBuilder()
                .setRunId(runId).setJobName("verify-backups").setJobType("VERIFY").setAttempt(1).setMaxAttempts(1)
                .setTrigger(Trigger.MANUAL).setScheduledFor(at).setRequestedAt(at).setDeadline(at.plusSeconds(600))
                .setCausationRunId(null).setRequestedBy("test").setParameters(parameters)
                .build();
    }

    private static JobCompleted completed(String runId, JobStatus status, Instant finishedAt) {
        return JobCompleted.newBuilder()
                .setRunId(runId).setJobName("verify-backups").setJobType("VERIFY").setAttempt(1).setStatus(status)
                .setRetryable(false).setStartedAt(finishedAt.minusSeconds(5)).setFinishedAt(finishedAt).setWorker("w")
                .setError(status == JobStatus.FAILED ? new JobError("CHECKSUM_MISMATCH", "backup-x differs") : null)
                .build();
    }

    /** A run of the job as configured: its request, then its completion. */
    private void verified(String runId, JobStatus status, Instant finishedAt) {
        core.onRequested(request(runId, Map.of("series", "pokemon-data"), finishedAt.minusSeconds(10)), finishedAt);
        core.onCompleted(completed(runId, status, finishedAt), finishedAt);
    }

    @Test
    void theLatestConclusiveOutcomeOfASeriesIsKept() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        verified("v@1", JobStatus.SUCCEEDED, t);
        assertThat(core.lastVerification("pokemon-data")).get().extracting(VerificationOutcome::passed).isEqualTo(true);

        verified("v@2", JobStatus.FAILED, t.plusSeconds(60));
        VerificationOutcome failed = core.lastVerification("pokemon-data").orElseThrow();
        assertThat(failed).isEqualTo(new VerificationOutcome("pokemon-data", "verify-backups", "v@2", "FAILED",
                t.plusSeconds(60), "CHECKSUM_MISMATCH: backup-x differs"));

        verified("v@3", JobStatus.TIMED_OUT, t.plusSeconds(120));
        verified("v@4", JobStatus.SKIPPED, t.plusSeconds(180));
        assertThat(core.lastVerification("pokemon-data")).as("inconclusive runs change nothing").contains(failed);

        verified("v@0", JobStatus.SUCCEEDED, t.minusSeconds(60));
        assertThat(core.lastVerification("pokemon-data")).as("an older outcome read late").contains(failed);

        verified("v@5", JobStatus.SUCCEEDED, t.plusSeconds(240));
        assertThat(core.lastVerification("pokemon-data").orElseThrow().runId()).isEqualTo("v@5");
    }

    @Test
    void theSeriesComesFromTheRequestWhenItWasSeen() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        core.onRequested(request("v@manual", Map.of("series", "archive"), t), t);
        core.onCompleted(completed("v@manual", JobStatus.FAILED, t.plusSeconds(30)), t.plusSeconds(30));
        assertThat(core.lastVerification("archive").orElseThrow().status()).isEqualTo("FAILED");
        assertThat(core.lastVerification("pokemon-data")).isEmpty();
    }

    @Test
    void aCompletionNoRequestAskedForChangesNoHealth() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        verified("v@1", JobStatus.FAILED, t);
        core.onCompleted(completed("forged", JobStatus.SUCCEEDED, t.plusSeconds(60)), t.plusSeconds(60));
        assertThat(core.lastVerification("pokemon-data").orElseThrow().runId()).isEqualTo("v@1");
        assertThat(core.run("forged")).as("kept for the run history").isPresent();
    }
}
