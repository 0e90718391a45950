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

/** Completions published by workers or other systems trigger the jobs that depend on them. */
@Timeout(120)
class DependencyIT {

    @Test
    void backupSuccessTriggersRotationAndExternalSyncTriggersReplication() throws Exception {
        Instant scheduledFor = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3600);
        var backupDone = EventSender.succeeded("backup-database", "BACKUP", scheduledFor);
        var syncDone = EventSender.succeeded("sync-missing-cards", "SYNC", scheduledFor);
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(),
                        List.of(Topics.REQUESTS_ROTATION, Topics.REQUESTS_REPLICATION));
                var sender = new EventSender();
                var scheduler = SchedulerInstance.start("dependencies", "it-deps-" + UUID.randomUUID())) {
            // a success of our job that no request asked for is no reason to rotate
            var unrequested = EventSender.succeeded("backup-database", "BACKUP", scheduledFor.minusSeconds(60));
            sender.completed(unrequested);
            // another system requests our backup; its completion triggers the rotation
            sender.requested(EventSender.requestOf(backupDone));
            sender.completed(backupDone);
            sender.completed(syncDone); // an external job's completion needs no request here
            sender.completed(backupDone); // redelivered: still one dependent run

            String rotationRunId = "rotate-backups@after:" + backupDone.getRunId();
            String replicationRunId = "replicate-to-primary@after:" + syncDone.getRunId();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tail.all(JobRequested.class))
                    .extracting(JobRequested::getRunId).contains(rotationRunId, replicationRunId));
            Thread.sleep(1_000);

            List<JobRequested> rotations = tail.all(JobRequested.class).stream()
                    .filter(r -> r.getRunId().equals(rotationRunId)).toList();
            assertThat(rotations).singleElement().satisfies(r -> {
                assertThat(r.getJobName()).isEqualTo("rotate-backups");
                assertThat(r.getTrigger()).isEqualTo(Trigger.DEPENDENCY);
                assertThat(r.getCausationRunId()).isEqualTo(backupDone.getRunId());
                assertThat(r.getScheduledFor()).isEqualTo(scheduledFor);
                assertThat(r.getParameters()).containsEntry("series", "pokemon-data");
                assertThat(r.getDeadline()).isEqualTo(r.getRequestedAt().plus(Duration.ofMinutes(1)));
            });
            assertThat(tail.all(JobRequested.class).stream().filter(r -> r.getRunId().equals(replicationRunId)))
                    .singleElement().satisfies(r -> {
                        assertThat(r.getJobType()).isEqualTo("REPLICATION");
                        assertThat(r.getCausationRunId()).isEqualTo(syncDone.getRunId());
                    });

            assertThat(tail.all(JobRequested.class)).extracting(JobRequested::getCausationRunId)
                    .doesNotContain(unrequested.getRunId());

            var runs = scheduler.get("/api/v1/runs?job=rotate-backups&limit=5");
            assertThat(runs.status()).isEqualTo(200);
            assertThat(runs.body()).contains(rotationRunId);
        }
    }

    @Test
    void aCompletionIsDecidedWhenItIsReadNotAtTheNextTick() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String upstream = "event-backup-" + id;
        String dependent = "event-rotate-" + id;
        Instant scheduledFor = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(600);
        var backupDone = EventSender.succeeded(upstream, "BACKUP", scheduledFor);
        try (var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_ROTATION));
                var sender = new EventSender();
                // an hour between ticks: only the completion itself can make the dependent due in time
                var scheduler = SchedulerInstance.start("event-driven", "it-event-driven-" + UUID.randomUUID(),
                        "--offsite.scheduler.tick-interval=1h",
                        "--offsite.scheduler.jobs." + upstream + ".type=BACKUP",
                        "--offsite.scheduler.jobs." + upstream + ".parameters.source=" + id,
                        "--offsite.scheduler.jobs." + dependent + ".type=ROTATION",
                        "--offsite.scheduler.jobs." + dependent + ".depends-on=" + upstream,
                        "--offsite.scheduler.jobs." + dependent + ".parameters.series=" + id)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                var health = scheduler.get("/actuator/health/scheduler");
                assertThat(health.json().get("details").get("leader").asBoolean()).isTrue();
                assertThat(health.json().get("details").get("readyToLead").asBoolean()).isTrue();
            });
            sender.requested(EventSender.requestOf(backupDone));
            sender.completed(backupDone);

            String rotationRunId = dependent + "@after:" + backupDone.getRunId();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(tail.all(JobRequested.class))
                    .extracting(JobRequested::getRunId).contains(rotationRunId));
        }
    }
}
