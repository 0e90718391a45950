package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.EventTrust;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobStatus;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import io.offsite.scheduler.webhook.RecordingServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A failed run is posted to the webhook, again after the receiver's first answer was a server error. */
@Timeout(120)
class WebhookIT {

    static {
        EventTrust.install();
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JobCompleted completion(String job, JobStatus status, JobError error) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return JobCompleted.newBuilder()
                .setRunId(job + "@" + now).setJobName(job).setJobType("BACKUP").setStatus(status).setRetryable(false)
                .setStartedAt(now.minusSeconds(2)).setFinishedAt(now).setWorker("backup-worker-elsewhere").setError(error)
                .setScheduledFor(now)
                .build();
    }

    @Test
    void aFailureIsNotifiedOnceDespiteAServerErrorAndSuccessesAreNotWhenOnlyFailuresAreWanted() throws Exception {
        String job = "it-webhook-" + UUID.randomUUID().toString().substring(0, 8);
        try (var receiver = new RecordingServer(n -> n == 1 ? 500 : 200);
                var probe = new EventProbe(LocalStack.kafka().bootstrapServers());
                var scheduler = SchedulerInstance.start("webhook", "it-webhook-" + UUID.randomUUID(),
                        "--offsite.scheduler.jobs." + job + ".type=BACKUP",
                        "--offsite.scheduler.jobs." + job + ".parameters.source=" + job,
                        "--offsite.scheduler.webhook.url=" + receiver.url("/hooks/offsite"),
                        "--offsite.scheduler.webhook.group=it-webhook-" + UUID.randomUUID(),
                        "--offsite.scheduler.webhook.notify-on=failures",
                        "--offsite.scheduler.webhook.backoff=200ms",
                        "--offsite.scheduler.webhook.timeout=2s",
                        "--offsite.scheduler.webhook.headers.Authorization=Bearer it-token")) {
            // the notifying consumer starts at the end of the topic: publish once it holds its partitions
            await().atMost(Duration.ofSeconds(30)).until(() -> scheduler.get("/actuator/health/webhook").json()
                    .get("details").get("assignedPartitions").asInt() > 0);

            probe.send(Topics.JOB_EVENTS, job, completion(job, JobStatus.SUCCEEDED, null));
            JobCompleted failed = completion(job, JobStatus.FAILED, new JobError("SOURCE_UNAVAILABLE", "database is locked"));
            probe.send(Topics.JOB_EVENTS, job, failed);

            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received().size() >= 2);
            assertThat(receiver.received()).hasSize(2).allSatisfy(request -> {
                assertThat(request.method()).isEqualTo("POST");
                assertThat(request.path()).isEqualTo("/hooks/offsite");
                assertThat(request.headers().get("Authorization")).containsExactly("Bearer it-token");
            });
            assertThat(receiver.received().get(1).body()).as("the retry repeats the notification")
                    .isEqualTo(receiver.received().get(0).body());
            JsonNode body = JSON.readTree(receiver.received().get(1).body());
            assertThat(body.get("status").asString()).isEqualTo("failure");
            assertThat(body.get("job").asString()).isEqualTo(job);
            assertThat(body.get("runId").asString()).isEqualTo(failed.getRunId());
            assertThat(body.get("outcome").asString()).isEqualTo("FAILED");
            assertThat(body.get("message").asString()).isEqualTo(job + " FAILED: SOURCE_UNAVAILABLE: database is locked");
            assertThat(body.get("timestamp").asString()).isEqualTo(failed.getFinishedAt().toString());
            assertThat(body.get("artifacts").isArray()).isTrue();
            assertThat(body.get("artifacts").size()).isZero();

            String metrics = scheduler.get("/actuator/prometheus").body();
            assertThat(metrics).contains("offsite_scheduler_webhook_notifications_total{job=\"" + job + "\",outcome=\"sent\"} 1.0");
            assertThat(metrics).contains("offsite_scheduler_webhook_retries_total{job=\"" + job + "\"} 1.0");
            assertThat(metrics).doesNotContain("offsite_scheduler_webhook_notifications_total{job=\"" + job + "\",outcome=\"failed\"}");
            JsonNode health = scheduler.get("/actuator/health/webhook").json();
            assertThat(health.get("details").get("target").asString()).isEqualTo("http://127.0.0.1:" + receiver.url("/").getPort());
            assertThat(health.get("details").get("sent").asLong()).isEqualTo(1);
        }
    }
}
