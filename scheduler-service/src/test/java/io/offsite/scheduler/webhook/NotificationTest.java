package io.offsite.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.EventTrust;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobStatus;
import io.offsite.scheduler.config.SchedulerProperties.Webhook.Notify;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Which completions are notified, and what is sent. */
class NotificationTest {

    static {
        // building events with array defaults needs the event classes trusted by Avro
        EventTrust.install();
    }

    private static final JobCatalog CATALOG = new JobCatalog(List.of(
            new JobDraft("backup-database", "BACKUP", "0 0 * * *", "UTC", Duration.ofMinutes(5), 2, Duration.ofSeconds(30),
                    true, List.of(), true, Map.of("source", "pokemon-data")).toDefinition()), List.of());

    private static JobCompleted completion(String job, JobStatus status, int attempt, boolean retryable) {
        return JobCompleted.newBuilder()
                .setRunId(job + "@2025-01-15T00:00:00Z").setJobName(job).setJobType("BACKUP").setAttempt(attempt)
                .setStatus(status).setRetryable(retryable).setStartedAt(Instant.parse("2025-01-15T00:00:00.100Z"))
                .setFinishedAt(Instant.parse("2025-01-15T00:00:15Z")).setWorker("backup-worker@host")
                .build();
    }

    @ParameterizedTest(name = "{0} attempt {1} retryable {2}: all {3}, failures {4}")
    @CsvSource(textBlock = """
            SUCCEEDED,        1, false, true,  false
            FAILED,           1, true,  false, false
            FAILED,           2, true,  false, false
            FAILED,           3, true,  true,  true
            FAILED,           1, false, true,  true
            TIMED_OUT,        1, true,  false, false
            TIMED_OUT,        3, true,  true,  true
            PARTIALLY_FAILED, 1, false, true,  true
            REJECTED,         1, false, true,  true
            SKIPPED,          1, false, false, false
            """)
    void finalOutcomesOfConfiguredJobsAreNotified(JobStatus status, int attempt, boolean retryable, boolean all,
            boolean failures) {
        JobCompleted completion = completion("backup-database", status, attempt, retryable);
        assertThat(new NotificationFilter(CATALOG, Notify.ALL).accepts(completion)).isEqualTo(all);
        assertThat(new NotificationFilter(CATALOG, Notify.FAILURES).accepts(completion)).isEqualTo(failures);
    }

    @Test
    void jobsThatAreNotOursAreNotNotified() {
        assertThat(new NotificationFilter(CATALOG, Notify.ALL).accepts(completion("sync-missing-cards", JobStatus.FAILED, 1,
                false))).isFalse();
    }

    @Test
    void aSuccessNamesItsArtifactsAndAFailureItsError() {
        JobCompleted success = JobCompleted.newBuilder(completion("backup-database", JobStatus.SUCCEEDED, 1, false))
                .setArtifacts(List.of(new Artifact("backups", "pokemon-data/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz",
                        15_000_000L, "ab12", 60_000_000L, "gzip", null)))
                .build();
        assertThat(WebhookNotification.of(success)).isEqualTo(new WebhookNotification("success", "backup-database",
                "backup-database@2025-01-15T00:00:00Z", "SUCCEEDED", 1,
                "backup-database SUCCEEDED: 1 artifact(s), 15000000 bytes, first pokemon-data/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz",
                "2025-01-15T00:00:15Z", List.of(new WebhookNotification.ArtifactView("backups",
                        "pokemon-data/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz", 15_000_000L, "ab12", "gzip"))));

        JobCompleted failure = JobCompleted.newBuilder(completion("backup-database", JobStatus.FAILED, 3, true))
                .setError(new JobError("STORAGE_UNREACHABLE", "connection refused")).build();
        WebhookNotification notification = WebhookNotification.of(failure);
        assertThat(notification.status()).isEqualTo("failure");
        assertThat(notification.message()).isEqualTo("backup-database FAILED: STORAGE_UNREACHABLE: connection refused");
        assertThat(notification.artifacts()).isEmpty();

        JobCompleted summarised = JobCompleted.newBuilder(failure).setMessage("snapshot failed: disk full").build();
        assertThat(WebhookNotification.of(summarised).message()).isEqualTo("snapshot failed: disk full");
    }
}
