package io.offsite.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.kafka.AvroEvents;
import io.offsite.scheduler.kafka.InboundEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Events anyone on the shared bus may publish: forged, mistaken or hostile. Each test folds them in as the event-log
 * reader would, then checks that the scheduler still decides from its catalog — the midnight backup fires, retries
 * follow the job's definition, and nothing an event claims keeps a job blocked or silent.
 */
class HostileEventsTest {

    private static final Instant MIDNIGHT = Instant.parse("2025-01-15T00:00:00Z");

    private final SettableClock clock = new SettableClock("2025-01-14T23:50:00Z");
    private final RecordingPublisher published = new RecordingPublisher();
    private final SchedulerCore core = new SchedulerCore(SchedulerCoreTest.originalJobs(),
            new SchedulerPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), 1000, "scheduler"));
    private final Scheduler scheduler = new Scheduler(core, published, new SchedulerObserver() {
    }, clock);

    private static JobRequested.Builder backupRequest(String runId, Instant scheduledFor) {
        return JobRequested.newBuilder()
                .setRunId(runId).setJobName("backup-database").setJobType("BACKUP").setAttempt(1).setMaxAttempts(3)
                .setTrigger(Trigger.EXTERNAL).setScheduledFor(scheduledFor).setRequestedAt(scheduledFor)
                .setDeadline(scheduledFor.plus(Duration.ofMinutes(5))).setRequestedBy("someone")
                .setParameters(Map.of("source", "pokemon-data"));
    }

    private static JobCompleted.Builder completion(String runId, String job, String type, JobStatus status, Instant at) {
        return JobCompleted.newBuilder()
                .setRunId(runId).setJobName(job).setJobType(type).setAttempt(1).setStatus(status)
                .setRetryable(status == JobStatus.FAILED).setStartedAt(at).setFinishedAt(at).setWorker("forger")
                .setScheduledFor(at);
    }

    private static JobStarted started(String runId, String job) {
        return JobStarted.newBuilder().setRunId(runId).setJobName(job).setStartedAt(Instant.parse("2025-01-14T23:50:00Z"))
                .setWorker("forger").setJobType("BACKUP").build();
    }

    /** Ticks every second up to {@code until}. */
    private void tickUntil(String until) {
        Instant end = Instant.parse(until);
        while (clock.instant().isBefore(end)) {
            clock.advance(Duration.ofSeconds(1));
            scheduler.tick();
        }
    }

    private void assertMidnightBackupFires() {
        scheduler.tick();
        tickUntil("2025-01-15T00:00:05Z");
        assertThat(published.requests("backup-database")).as("the midnight backup")
                .anySatisfy(r -> assertThat(r.runId()).isEqualTo("backup-database@" + MIDNIGHT));
    }

    @Test
    void aRequestOfAnotherTypeAndARetryableFailureOfItDoNotStopTheTicks() {
        JobRequested nope = backupRequest("backup-database@nope", Instant.parse("2025-01-14T23:45:00Z")).setJobType("NOPE").build();
        assertThat(InboundEvents.apply(scheduler, Topics.REQUESTS_BACKUP, nope)).get().extracting(Ignored::reason)
                .isEqualTo(Ignored.WRONG_TOPIC);
        assertThat(core.onRequested(AvroEvents.requested(nope), clock.instant())).get().extracting(Ignored::reason)
                .isEqualTo(Ignored.JOB_TYPE_MISMATCH);
        assertThat(InboundEvents.apply(scheduler, completion("backup-database@nope", "backup-database", "NOPE", JobStatus.FAILED,
                clock.instant()).build())).get().extracting(Ignored::reason).isEqualTo(Ignored.JOB_TYPE_MISMATCH);
        assertThat(InboundEvents.apply(scheduler, completion("backup-database@nope", "backup-database", "BACKUP", JobStatus.FAILED,
                clock.instant()).build())).isEmpty();

        assertMidnightBackupFires();
        assertThat(scheduler.run("backup-database@nope").orElseThrow().summary().status())
                .as("no request asked for it, so its failure is history, not a retry").isEqualTo(RunStatus.FAILED);
        assertThat(published.requests()).noneMatch(r -> r.runId().equals("backup-database@nope"));
    }

    @Test
    void aRetryIsBuiltFromTheJobsDefinitionNotFromWhatTheRequestClaims() {
        JobRequested greedy = backupRequest("backup-database@ops-1", Instant.parse("2025-01-14T23:49:00Z"))
                .setMaxAttempts(1_000).setDeadline(Instant.parse("2025-01-14T23:59:00Z")).build();
        assertThat(InboundEvents.apply(scheduler, greedy)).isEmpty();
        for (int attempt = 1; attempt <= 3; attempt++) {
            InboundEvents.apply(scheduler, JobCompleted.newBuilder(completion("backup-database@ops-1", "backup-database", "BACKUP",
                    JobStatus.FAILED, clock.instant()).build()).setAttempt(attempt).build());
            clock.advance(Duration.ofSeconds(31)); // the job's retry delay is 30 s
            scheduler.tick();
        }
        assertThat(published.requests("backup-database")).as("attempts 2 and 3: the job allows three in all")
                .extracting(Requested::attempt).containsExactly(2, 3);
        assertThat(published.requests("backup-database")).allSatisfy(r -> {
            assertThat(r.maxAttempts()).isEqualTo(3);
            assertThat(r.jobType()).isEqualTo("BACKUP");
            assertThat(r.trigger()).isEqualTo(io.offsite.scheduler.runs.Trigger.RETRY);
        });
        assertThat(InboundEvents.apply(scheduler, JobCompleted.newBuilder(completion("backup-database@ops-1", "backup-database", "BACKUP",
                JobStatus.FAILED, clock.instant()).build()).setAttempt(4).build())).get().extracting(Ignored::reason)
                .isEqualTo(Ignored.INVALID_ATTEMPT);
    }

    @Test
    void aCompletionNamingAnotherJobIsConcludedByTheRunsOwnJob() {
        InboundEvents.apply(scheduler, backupRequest("backup-database@ops-2", Instant.parse("2025-01-14T23:49:00Z")).build());
        // the same run id, claimed by a configured job whose retries wait 120 s instead of 30 s
        assertThat(InboundEvents.apply(scheduler, completion("backup-database@ops-2", "replicate-to-primary", "REPLICATION",
                JobStatus.FAILED, clock.instant()).build())).isEmpty();
        assertThat(scheduler.run("backup-database@ops-2").orElseThrow().summary().job()).isEqualTo("backup-database");
        clock.advance(Duration.ofSeconds(31));
        scheduler.tick();
        assertThat(published.requests("backup-database")).as("retried after backup-database's delay of 30 s")
                .singleElement().satisfies(r -> {
                    assertThat(r.attempt()).isEqualTo(2);
                    assertThat(r.trigger()).isEqualTo(io.offsite.scheduler.runs.Trigger.RETRY);
                });
        assertThat(published.requests("replicate-to-primary")).isEmpty();
    }

    @Test
    void aRecordIsFoldedAsSeenWhenTheReaderPolledIt() {
        JobRequested forever = backupRequest("backup-database@polled", Instant.parse("2025-01-14T23:39:00Z"))
                .setDeadline(Instant.parse("3000-01-01T00:00:00Z")).build();
        Instant polledAt = Instant.parse("2025-01-14T23:40:00Z"); // the clock says 23:50
        assertThat(InboundEvents.apply(scheduler, Topics.REQUESTS_BACKUP, forever, polledAt)).isEmpty();
        assertThat(scheduler.run("backup-database@polled").orElseThrow().attempts().get(0).deadline())
                .as("the job's timeout after the poll").isEqualTo("2025-01-14T23:45:00Z");
    }

    @Test
    void aStartNoRequestAskedForNeverBlocksAnExclusiveJob() {
        for (int i = 0; i < 50; i++) {
            assertThat(InboundEvents.apply(scheduler, started("backup-database@forged-" + i, "backup-database"))).isEmpty();
        }
        assertThat(scheduler.runs("backup-database", RunStatus.RUNNING, 100)).as("kept for the run history").hasSize(50);
        assertMidnightBackupFires();
        assertThat(published.completions()).noneMatch(c -> c.status() == RunStatus.SKIPPED);
    }

    @Test
    void aRequestWithADeadlineCenturiesAheadTimesOutAfterTheJobsTimeout() {
        JobRequested forever = backupRequest("backup-database@forever", Instant.parse("2025-01-14T23:49:00Z"))
                .setDeadline(Instant.parse("3000-01-01T00:00:00Z")).setRequestedAt(Instant.parse("3000-01-01T00:00:00Z"))
                .build();
        InboundEvents.apply(scheduler, forever);
        assertThat(scheduler.run("backup-database@forever").orElseThrow().attempts().get(0).deadline())
                .as("the job's timeout after it was seen").isEqualTo("2025-01-14T23:55:00Z");
        tickUntil("2025-01-14T23:55:29Z"); // seen at 23:50, the job's timeout is 5 minutes, the grace 30 s
        assertThat(published.completions()).isEmpty();
        tickUntil("2025-01-14T23:55:31Z");
        assertThat(published.completions()).singleElement().satisfies(c -> {
            assertThat(c.runId()).isEqualTo("backup-database@forever");
            assertThat(c.status()).isEqualTo(RunStatus.TIMED_OUT);
        });
    }

    @Test
    void eventsOfJobsNobodyConfiguredAreIgnoredAndNeverStored() {
        for (int i = 0; i < 1_000; i++) {
            String job = "made-up-" + i;
            JobRequested request = backupRequest(job + "@1", clock.instant()).setJobName(job).build();
            assertThat(InboundEvents.apply(scheduler, request)).get().extracting(Ignored::reason).isEqualTo(Ignored.UNKNOWN_JOB);
            assertThat(InboundEvents.apply(scheduler, started(job + "@1", job))).get().extracting(Ignored::reason)
                    .isEqualTo(Ignored.UNKNOWN_JOB);
            assertThat(InboundEvents.apply(scheduler, completion(job + "@1", job, "BACKUP", JobStatus.SUCCEEDED, clock.instant()).build()))
                    .get().extracting(Ignored::reason).isEqualTo(Ignored.UNKNOWN_JOB);
        }
        assertThat(scheduler.runs(null, null, 10_000)).isEmpty();
        assertThat(scheduler.jobs()).extracting(v -> v.definition().name())
                .containsExactly("backup-database", "rotate-backups", "replicate-to-primary");
    }

    @Test
    void aFireDatedInTheFutureDoesNotSilenceTheJob() {
        Instant farFuture = Instant.parse("9999-01-01T00:00:00Z");
        InboundEvents.apply(scheduler, completion(SchedulerCore.runId("backup-database", farFuture), "backup-database", "BACKUP",
                JobStatus.SKIPPED, farFuture).build());
        InboundEvents.apply(scheduler, backupRequest(SchedulerCore.runId("backup-database", farFuture), farFuture)
                .setTrigger(Trigger.SCHEDULE).build());
        assertMidnightBackupFires();
        assertThat(scheduler.jobs().get(0).lastFireAt()).isEqualTo(MIDNIGHT);
    }

    @Test
    void eventsOnTheWrongTopicAreNotWhatTheyClaim() {
        JobRequested request = backupRequest("backup-database@elsewhere", clock.instant()).build();
        assertThat(InboundEvents.apply(scheduler, Topics.JOB_EVENTS, request)).get().extracting(Ignored::reason).isEqualTo(Ignored.WRONG_TOPIC);
        assertThat(InboundEvents.apply(scheduler, Topics.REQUESTS_ROTATION, request)).get().extracting(Ignored::reason)
                .isEqualTo(Ignored.WRONG_TOPIC);
        assertThat(InboundEvents.apply(scheduler, Topics.REQUESTS_BACKUP, started("backup-database@elsewhere", "backup-database")))
                .get().extracting(Ignored::reason).isEqualTo(Ignored.WRONG_TOPIC);
        assertThat(InboundEvents.apply(scheduler, Topics.JOB_EVENTS, "a string")).get().extracting(Ignored::reason)
                .isEqualTo(Ignored.NOT_AN_EVENT);
        assertThat(scheduler.runs(null, null, 10)).isEmpty();
    }

    @Test
    void oversizedAndMalformedNamesAreRefused() {
        Map<String, String> huge = new HashMap<>();
        huge.put("source", "x".repeat(400_000));
        assertThat(InboundEvents.apply(scheduler, backupRequest("backup-database@big", clock.instant()).setParameters(huge).build()))
                .get().extracting(Ignored::reason).isEqualTo("parameter-too-long");
        assertThat(InboundEvents.apply(scheduler, started("backup-database@" + "x".repeat(300), "backup-database")))
                .get().extracting(Ignored::reason).isEqualTo("field-too-long");
        assertThat(InboundEvents.apply(scheduler, started("", "backup-database"))).get().extracting(Ignored::reason)
                .isEqualTo("invalid-identifier");
        assertThat(scheduler.runs(null, null, 10)).isEmpty();
    }

    @Test
    void aFloodOfRequestsForOneJobKeepsItsStateBounded() {
        for (int i = 0; i < 20_000; i++) {
            InboundEvents.apply(scheduler, backupRequest("backup-database@flood-" + i, Instant.parse("2025-01-14T23:49:00Z")).build());
        }
        assertThat(scheduler.runs("backup-database", null, 100_000)).as("the history limit holds")
                .hasSizeLessThanOrEqualTo(1000 + SchedulerCore.ACTIVE_RUNS_PER_JOB_LIMIT);
        assertThat(scheduler.runs("backup-database", RunStatus.REQUESTED, 100_000).size())
                .isLessThanOrEqualTo(1000 + SchedulerCore.ACTIVE_RUNS_PER_JOB_LIMIT);
    }

    @Test
    void aCompletionReadBeforeItsRequestStillTriggersDependents() {
        JobRequested request = backupRequest("backup-database@ops-2", Instant.parse("2025-01-14T23:45:00Z"))
                .setDeadline(Instant.parse("2025-01-14T23:59:00Z")).build();
        JobCompleted done = completion("backup-database@ops-2", "backup-database", "BACKUP", JobStatus.SUCCEEDED,
                Instant.parse("2025-01-14T23:49:00Z")).setScheduledFor(request.getScheduledFor()).build();
        InboundEvents.apply(scheduler, done);
        scheduler.tick();
        assertThat(published.requests("rotate-backups")).as("nothing asked for it yet").isEmpty();
        InboundEvents.apply(scheduler, request);
        scheduler.tick();
        assertThat(published.requests("rotate-backups")).singleElement()
                .satisfies(r -> assertThat(r.causationRunId()).isEqualTo("backup-database@ops-2"));
        assertThat(scheduler.lastSuccess("backup-database")).contains(Instant.parse("2025-01-14T23:49:00Z"));
    }

    @Test
    void aForgedSuccessWithoutARequestIsNoLastSuccess() {
        InboundEvents.apply(scheduler, completion("backup-database@forged", "backup-database", "BACKUP", JobStatus.SUCCEEDED,
                clock.instant()).build());
        assertThat(scheduler.lastSuccess("backup-database")).isEqualTo(Optional.empty());
        scheduler.tick();
        assertThat(published.requests("rotate-backups")).isEmpty();
    }
}
