package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ManualTriggerIT {

    @Test
    void manualTriggerPublishesARequestOnTheBackupTopic() throws Exception {
        String group = "it-manual-" + UUID.randomUUID();
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.JobType.BACKUP.requestTopic()));
                var scheduler = SchedulerInstance.start("manual", group)) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            var response = scheduler.post("/api/v1/jobs/backup-database/runs", null);

            assertThat(response.status()).isEqualTo(202);
            String runId = response.json().get("runId").asString();
            assertThat(runId).startsWith("backup-database@");
            JobRequested request = await().atMost(Duration.ofSeconds(20)).until(
                    () -> tail.all(JobRequested.class).stream().filter(r -> r.getRunId().equals(runId)).findFirst(),
                    java.util.Optional::isPresent).orElseThrow();
            assertThat(request.getJobName()).isEqualTo("backup-database");
            assertThat(request.getJobType()).isEqualTo("BACKUP");
            assertThat(request.getTrigger()).isEqualTo(Trigger.MANUAL);
            assertThat(request.getParameters()).containsEntry("source", "pokemon-data");
            assertThat(request.getScheduledFor()).isBetween(before, Instant.now());
            assertThat(runId).isEqualTo("backup-database@" + request.getScheduledFor());
            assertThat(request.getDeadline()).isEqualTo(request.getRequestedAt().plus(Duration.ofMinutes(5)));
            assertThat(request.getAttempt()).isEqualTo(1);
            assertThat(request.getMaxAttempts()).isEqualTo(3);
            assertThat(request.getRequestedBy()).isEqualTo("api");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                var run = scheduler.get("/api/v1/runs/" + runId);
                assertThat(run.status()).isEqualTo(200);
                assertThat(run.json().get("summary").get("status").asString()).isEqualTo("REQUESTED");
            });
            var conflict = scheduler.post("/api/v1/jobs/backup-database/runs", null);
            assertThat(conflict.status()).isEqualTo(409);
            assertThat(conflict.contentType()).contains("application/problem+json");
            var unknown = scheduler.post("/api/v1/jobs/no-such-job/runs", null);
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("detail").asString()).contains("no-such-job");
        }
    }
}
