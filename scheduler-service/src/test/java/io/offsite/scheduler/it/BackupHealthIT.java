package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.EventTrust;
import io.offsite.events.Topics;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.worker.storage.ObjectStore;
import io.offsite.worker.storage.StorageProperties;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * Backup health between two listings of the bucket (the interval is an hour here): completions other systems publish
 * keep it current — a fresh backup, ageing past the maximum, a failed verification.
 */
@Timeout(120)
class BackupHealthIT {

    static {
        EventTrust.install();
    }

    private static JobCompleted completion(String job, String type, JobStatus status, JobError error) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobCompleted.newBuilder()
                .setRunId(job + "@" + now).setJobName(job).setJobType(type).setStatus(status)
                .setStartedAt(now.minusSeconds(1)).setFinishedAt(now).setWorker("worker-elsewhere").setError(error)
                .setScheduledFor(now)
                .build();
    }

    /** Stores a backup of {@code series} taken for {@code at}, as the backup worker names it, and returns its artifact. */
    private static Artifact stored(ObjectStore store, String series, Instant at) {
        String key = series + "/pokemon-data-" + at.toString().replace(':', '-') + ".sqlite3.db.gz";
        store.putSmall(key, new byte[100], "application/gzip", Map.of());
        return new Artifact(LocalStack.s3().bucket(), key, 100L, "ab", 400L, "gzip", null);
    }

    private static JsonNode component(SchedulerInstance scheduler, String job) {
        return scheduler.get("/actuator/health/backups/" + job).json();
    }

    @Test
    void aBackupIsUpAfterASuccessDownOnceItIsTooOldAndDownAfterAFailedVerificationOfItsSeries() {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String backup = "it-health-backup-" + id;
        String verify = "it-health-verify-" + id;
        String daily = "it-health-daily-" + id;
        String series = "it-series-" + id;
        try (var probe = new EventProbe(LocalStack.kafka().bootstrapServers());
                var store = new ObjectStore(StorageProperties.of(LocalStack.s3().endpoint(), LocalStack.s3().accessKey(),
                        LocalStack.s3().secretKey(), LocalStack.s3().bucket()));
                var scheduler = SchedulerInstance.start("health", "it-health-" + UUID.randomUUID(),
                        "--offsite.scheduler.inventory.interval=1h",
                        "--offsite.scheduler.jobs." + backup + ".type=BACKUP",
                        "--offsite.scheduler.jobs." + backup + ".max-age=4s",
                        "--offsite.scheduler.jobs." + backup + ".parameters.source=" + series,
                        "--offsite.scheduler.jobs." + verify + ".type=VERIFY",
                        "--offsite.scheduler.jobs." + verify + ".parameters.series=" + series,
                        "--offsite.scheduler.jobs." + daily + ".type=BACKUP",
                        "--offsite.scheduler.jobs." + daily + ".cron=0 0 * * *",
                        "--offsite.scheduler.jobs." + daily + ".parameters.source=other-" + id)) {

            // right after deployment a daily backup has not had the chance to run: UNKNOWN, not DOWN
            await().atMost(Duration.ofSeconds(20)).until(() -> component(scheduler, daily).has("details")
                    && component(scheduler, daily).get("details").has("maxAge"));
            JsonNode fresh = component(scheduler, daily);
            assertThat(fresh.get("status").asString()).isEqualTo("UNKNOWN");
            assertThat(fresh.get("details").get("maxAge").asString()).isEqualTo("PT48H");
            assertThat(fresh.get("details").get("newestBackupAt").asString()).isEqualTo("none");
            assertThat(scheduler.get("/actuator/health/backups").json().get("components").has(verify))
                    .as("a verify job without cron or max-age is not checked").isFalse();

            await().atMost(Duration.ofSeconds(20)).until(() -> !"never".equals(component(scheduler, backup).get("details")
                    .get("listedAt").asString()));
            JobCompleted success = completion(backup, "BACKUP", JobStatus.SUCCEEDED, null);
            success.setArtifacts(List.of(stored(store, series, success.getScheduledFor())));
            probe.send(Topics.REQUESTS_BACKUP, backup, EventSender.requestOf(success));
            probe.send(Topics.JOB_EVENTS, backup, success);
            await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(component(scheduler, backup).get("status").asString()));
            JsonNode up = component(scheduler, backup).get("details");
            assertThat(up.get("newestBackupAt").asString()).isEqualTo(success.getScheduledFor().toString());
            assertThat(up.get("backups").asInt()).isEqualTo(1);
            assertThat(up.get("maxAge").asString()).isEqualTo("PT4S");
            assertThat(up.get("series").asString()).isEqualTo(series);
            assertThat(up.get("verifiedBy").get(0).asString()).isEqualTo(verify);
            assertThat(scheduler.get("/actuator/prometheus").body()).contains(
                    "offsite_scheduler_last_success_seconds{job=\"" + backup + "\"} " + success.getFinishedAt().toEpochMilli() / 1000.0);

            // no new backup: once the last one is older than the maximum age, DOWN, and so is the service's health
            await().atMost(Duration.ofSeconds(15)).until(() -> "DOWN".equals(component(scheduler, backup).get("status").asString()));
            assertThat(component(scheduler, backup).get("details").get("reason").asString())
                    .contains("more than the maximum age PT4S");
            SchedulerInstance.Response overall = scheduler.get("/actuator/health");
            assertThat(overall.status()).isEqualTo(503);
            assertThat(overall.json().get("status").asString()).isEqualTo("DOWN");
            assertThat(scheduler.get("/actuator/health/liveness").status())
                    .as("stale backups are no reason to restart the scheduler").isEqualTo(200);

            JobCompleted again = completion(backup, "BACKUP", JobStatus.SUCCEEDED, null);
            again.setArtifacts(List.of(stored(store, series, again.getScheduledFor())));
            probe.send(Topics.REQUESTS_BACKUP, backup, EventSender.requestOf(again));
            probe.send(Topics.JOB_EVENTS, backup, again);
            await().atMost(Duration.ofSeconds(3)).until(() -> "UP".equals(component(scheduler, backup).get("status").asString()));

            // a verification of the series fails: DOWN although the last backup is fresh
            JobCompleted failedVerification = completion(verify, "VERIFY", JobStatus.FAILED,
                    new JobError("CHECKSUM_MISMATCH", "stored object differs from its recorded sha256"));
            probe.send(Topics.REQUESTS_VERIFY, verify, JobRequested.newBuilder(EventSender.requestOf(failedVerification))
                    .setParameters(java.util.Map.of("series", series)).build());
            probe.send(Topics.JOB_EVENTS, verify, failedVerification);
            await().atMost(Duration.ofSeconds(10)).until(() -> component(scheduler, backup).get("details")
                    .get("lastVerification").isObject());
            JsonNode down = component(scheduler, backup);
            assertThat(down.get("status").asString()).isEqualTo("DOWN");
            assertThat(down.get("details").get("reason").asString()).startsWith("last verification of series '" + series
                    + "' FAILED (run " + failedVerification.getRunId() + " of " + verify);
            JsonNode verification = down.get("details").get("lastVerification");
            assertThat(verification.get("source").asString()).isEqualTo("run " + failedVerification.getRunId() + " of " + verify);
            assertThat(verification.get("status").asString()).isEqualTo("FAILED");
            assertThat(verification.get("message").asString())
                    .isEqualTo("CHECKSUM_MISMATCH: stored object differs from its recorded sha256");
            assertThat(scheduler.get("/actuator/health/backups").json().get("status").asString()).isEqualTo("DOWN");
        }
    }
}
