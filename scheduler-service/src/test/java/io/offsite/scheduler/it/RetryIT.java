package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Failed retryable runs are requested again after their delay, up to the job's retries, across restarts. */
@Timeout(180)
class RetryIT {

    private static String[] job(String name, String retryDelay) {
        String p = "--offsite.scheduler.jobs." + name + ".";
        return new String[] {p + "type=BACKUP", p + "timeout=1m", p + "retries=2", p + "retry-delay=" + retryDelay,
                p + "exclusive=true", p + "parameters.source=it-" + name, p + "caller-parameters=dryRun"};
    }

    private static List<JobRequested> attempts(TopicTail tail, String runId) {
        return tail.all(JobRequested.class).stream().filter(r -> r.getRunId().equals(runId))
                .sorted(Comparator.comparingInt(JobRequested::getAttempt)).toList();
    }

    @Test
    void aFailedRetryableRunIsRetriedAfterItsDelayAndGivesUpAfterItsRetries() throws Exception {
        String name = "it-retry-" + UUID.randomUUID().toString().substring(0, 8);
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_BACKUP));
                var sender = new EventSender();
                var scheduler = SchedulerInstance.start("retry", "it-retry-" + UUID.randomUUID(), job(name, "2s"))) {
            String runId = scheduler.post("/api/v1/jobs/" + name + "/runs", "{\"parameters\":{\"dryRun\":\"true\"}}")
                    .json().get("runId").asString();
            for (int attempt = 1; attempt <= 3; attempt++) {
                int expected = attempt;
                await().atMost(Duration.ofSeconds(20)).until(() -> attempts(tail, runId).size() == expected);
                JobRequested request = attempts(tail, runId).get(attempt - 1);
                assertThat(request.getAttempt()).isEqualTo(attempt);
                assertThat(request.getTrigger()).isEqualTo(attempt == 1 ? Trigger.MANUAL : Trigger.RETRY);
                assertThat(request.getParameters()).containsEntry("dryRun", "true");
                var failed = EventSender.completionOf(request, JobStatus.FAILED, true);
                sender.completed(failed);
                if (attempt < 3) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> attempts(tail, runId).size() == expected + 1);
                    JobRequested retry = attempts(tail, runId).get(attempt);
                    assertThat(Duration.between(failed.getFinishedAt(), retry.getRequestedAt()))
                            .as("retried after the delay").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
                }
            }
            Thread.sleep(4_000); // two more retry delays: no fourth attempt
            assertThat(attempts(tail, runId)).hasSize(3);
            var run = scheduler.get("/api/v1/runs/" + runId).json();
            assertThat(run.get("summary").get("status").asString()).isEqualTo("FAILED");
            assertThat(run.get("summary").get("gaveUp").asBoolean()).isTrue();
            assertThat(run.get("attempts").size()).isEqualTo(3);
        }
    }

    @Test
    void aSchedulerRestartedWhileARetryIsPendingStillPerformsIt() throws Exception {
        String name = "it-restart-" + UUID.randomUUID().toString().substring(0, 8);
        String group = "it-restart-" + UUID.randomUUID();
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_BACKUP));
                var sender = new EventSender()) {
            String runId;
            Instant failedAt;
            try (var first = SchedulerInstance.start("before-restart", group, job(name, "8s"))) {
                runId = first.post("/api/v1/jobs/" + name + "/runs", null).json().get("runId").asString();
                await().atMost(Duration.ofSeconds(20)).until(() -> attempts(tail, runId).size() == 1);
                var failed = EventSender.completionOf(attempts(tail, runId).get(0), JobStatus.FAILED, true);
                sender.completed(failed);
                failedAt = failed.getFinishedAt();
                await().atMost(Duration.ofSeconds(10)).until(() -> first.get("/api/v1/runs/" + runId).body()
                        .contains("RETRY_PENDING"));
            }
            assertThat(attempts(tail, runId)).as("the retry was not due before the stop").hasSize(1);
            try (var second = SchedulerInstance.start("after-restart", group, job(name, "8s"))) {
                await().atMost(Duration.ofSeconds(30)).until(() -> attempts(tail, runId).size() == 2);
                JobRequested retry = attempts(tail, runId).get(1);
                assertThat(retry.getAttempt()).isEqualTo(2);
                assertThat(retry.getTrigger()).isEqualTo(Trigger.RETRY);
                assertThat(retry.getRequestedBy()).isEqualTo("after-restart");
                assertThat(retry.getRequestedAt()).isAfterOrEqualTo(failedAt.plusSeconds(8));
            }
        }
    }
}
