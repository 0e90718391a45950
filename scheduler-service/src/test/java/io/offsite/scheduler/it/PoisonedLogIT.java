package io.offsite.scheduler.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventSerializer;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.localstack.LocalStack;
import io.offsite.localstack.kafka.EventProbe;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A scheduler that starts on an event log someone has poisoned reads it from the beginning like any other, skips
 * and counts what it cannot use, becomes ready to lead and fires on time. Before, the 15-byte record below stopped
 * its reader at every start, so no replica ever led again until retention removed the record.
 */
@Timeout(120)
class PoisonedLogIT {

    private static final byte[] BOMB = HexFormat.of().parseHex("c3016dfbd6f124d953f88080808010");

    @Test
    void aSchedulerStartingOnAPoisonedLogLeadsFiresAndCountsWhatItSkipped() throws Exception {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String tick = "poison-tick-" + id;
        String exclusive = "poison-exclusive-" + id;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Random random = new Random(14);
        try (var probe = new EventProbe(LocalStack.kafka().bootstrapServers());
                var tail = new TopicTail(LocalStack.kafka().bootstrapServers(), List.of(Topics.REQUESTS_ROTATION, Topics.REQUESTS_BACKUP))) {
            for (String topic : List.of(Topics.JOB_EVENTS, Topics.REQUESTS_BACKUP)) {
                probe.sendRaw(topic, exclusive, BOMB);
                probe.sendRaw(topic, exclusive, bytes(random, 100));
                probe.sendRaw(topic, exclusive, new byte[0]);
                probe.sendRaw(topic, exclusive, null);
                probe.sendRaw(topic, exclusive, bytes(random, 900 * 1024));
            }
            // a start no request asked for, of an exclusive job: once it blocked the job for good
            probe.send(Topics.JOB_EVENTS, exclusive, JobStarted.newBuilder().setRunId(exclusive + "@forged").setJobName(exclusive)
                    .setJobType("BACKUP").setStartedAt(now).setWorker("forger").build());
            // a request of a type nobody runs and a retryable failure of it: once a retry that failed on every tick
            probe.sendRaw(Topics.REQUESTS_BACKUP, exclusive, new EventSerializer().serialize(null, JobRequested.newBuilder()
                    .setRunId(exclusive + "@nope").setJobName(exclusive).setJobType("NOPE").setTrigger(Trigger.EXTERNAL)
                    .setScheduledFor(now).setRequestedAt(now).build()));
            probe.send(Topics.JOB_EVENTS, exclusive, JobCompleted.newBuilder().setRunId(exclusive + "@nope").setJobName(exclusive)
                    .setJobType("NOPE").setStatus(JobStatus.FAILED).setRetryable(true).setFinishedAt(now).setWorker("forger")
                    .setError(new JobError("X", "forged")).build());
            // a skipped fire dated in year 9999: once it silenced the job until then
            Instant farFuture = Instant.parse("9999-01-01T00:00:00Z");
            probe.send(Topics.JOB_EVENTS, tick, JobCompleted.newBuilder().setRunId(tick + "@" + farFuture).setJobName(tick)
                    .setJobType("ROTATION").setStatus(JobStatus.SKIPPED).setFinishedAt(farFuture).setWorker("forger")
                    .setScheduledFor(farFuture).build());

            try (var scheduler = SchedulerInstance.start("poisoned", "it-poisoned-" + id,
                    "--offsite.scheduler.jobs." + tick + ".type=ROTATION",
                    "--offsite.scheduler.jobs." + tick + ".cron=* * * * * *",
                    "--offsite.scheduler.jobs." + tick + ".exclusive=false",
                    "--offsite.scheduler.jobs." + exclusive + ".type=BACKUP",
                    "--offsite.scheduler.jobs." + exclusive + ".exclusive=true",
                    "--offsite.scheduler.jobs." + exclusive + ".parameters.source=nowhere")) {

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(tail.all(JobRequested.class))
                        .anySatisfy(r -> assertThat(r.getJobName()).isEqualTo(tick)));

                var health = scheduler.get("/actuator/health/scheduler");
                assertThat(health.status()).as(health.body()).isEqualTo(200);
                assertThat(health.json().get("details").get("readyToLead").asBoolean()).isTrue();
                assertThat(health.json().get("details").get("rejectedRecords").asLong()).isGreaterThanOrEqualTo(10);

                var triggered = scheduler.post("/api/v1/jobs/" + exclusive + "/runs", null);
                assertThat(triggered.status()).as("the forged start blocks nothing: %s", triggered.body()).isEqualTo(202);

                String metrics = scheduler.get("/actuator/prometheus").body();
                assertThat(metrics).containsPattern("offsite_events_rejected_total\\{[^}]*consumer=\"scheduler\"[^}]*reason=\"malformed\""
                        + "[^}]*topic=\"offsite.job-events\"[^}]*} [1-9]")
                        .containsPattern("offsite_events_rejected_total\\{[^}]*reason=\"too-large\"|"
                                + "offsite_events_rejected_total\\{[^}]*reason=\"not-single-object\"")
                        .containsPattern("offsite_events_rejected_total\\{[^}]*reason=\"job-type-mismatch\"[^}]*} [1-9]")
                        .containsPattern("offsite_events_rejected_total\\{[^}]*reason=\"wrong-topic\"[^}]*topic=\"offsite.requests.backup\"[^}]*} [1-9]");
                assertThat(scheduler.get("/api/v1/runs/" + exclusive + "@nope").status())
                        .as("a request of another type is not even history").isEqualTo(404);
                assertThat(tail.all(JobRequested.class)).as("never retried")
                        .noneMatch(r -> r.getRunId().equals(exclusive + "@nope") && r.getTrigger() == Trigger.RETRY);
            }
        }
    }

    private static byte[] bytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        bytes[0] = 0x7b; // '{', never the single-object marker
        return bytes;
    }
}
