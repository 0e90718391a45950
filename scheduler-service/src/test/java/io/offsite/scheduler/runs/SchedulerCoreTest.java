package io.offsite.scheduler.runs;

import io.offsite.scheduler.kafka.InboundEvents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchedulerCoreTest {

    private static final SchedulerPolicy POLICY =
            new SchedulerPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), 1000, "scheduler");

    /** The original's three jobs, as the default configuration ships them. */
    static JobCatalog originalJobs() {
        return new JobCatalog(List.of(
                new JobDraft("backup-database", "BACKUP", "0 0 * * *", "UTC", Duration.ofMinutes(5), 2,
                        Duration.ofSeconds(30), true, List.of(), true, Map.of("source", "pokemon-data")).toDefinition(),
                new JobDraft("rotate-backups", "ROTATION", "0 1 * * *", "UTC", Duration.ofMinutes(1), 1,
                        Duration.ofSeconds(30), true, List.of("backup-database"), true, Map.of("series", "pokemon-data"))
                        .toDefinition(),
                new JobDraft("replicate-to-primary", "REPLICATION", "0 4 * * *", "UTC", Duration.ofMinutes(30), 2,
                        Duration.ofSeconds(120), true, List.of("sync-missing-cards"), true, Map.of("source", "pokemon-data"))
                        .toDefinition()),
                List.of("sync-missing-cards"));
    }

    private final SettableClock clock = new SettableClock("2025-01-14T23:59:00Z");
    private final RecordingPublisher published = new RecordingPublisher();
    private Scheduler scheduler = new Scheduler(new SchedulerCore(originalJobs(), POLICY), published, new SchedulerObserver() {
    }, clock);

    private void tickEvery(Duration step, Duration total) {
        Instant end = clock.instant().plus(total);
        while (clock.instant().isBefore(end)) {
            clock.advance(step);
            scheduler.tick();
        }
    }

    private static JobCompleted completion(JobRequested request, JobStatus status, boolean retryable, Instant finishedAt) {
        return JobCompleted.newBuilder()
                .setRunId(request.getRunId()).setJobName(request.getJobName()).setJobType(request.getJobType())
                .setAttempt(request.getAttempt()).setStatus(status).setRetryable(retryable)
                .setStartedAt(request.getRequestedAt()).setFinishedAt(finishedAt).setWorker("test-worker")
                .setScheduledFor(request.getScheduledFor())
                .build();
    }

    private void complete(JobRequested request, JobStatus status, boolean retryable) {
        JobCompleted completion = completion(request, status, retryable, clock.instant());
        published.log.add(completion);
        InboundEvents.apply(scheduler, completion);
    }

    @Test
    void firesBackupAtMidnightOnceWithItsDefinition() {
        scheduler.tick(); // first look establishes the baseline
        tickEvery(Duration.ofSeconds(1), Duration.ofMinutes(3));

        List<JobRequested> backups = published.requests("backup-database");
        assertThat(backups).hasSize(1);
        JobRequested request = backups.get(0);
        assertThat(request.getRunId()).isEqualTo("backup-database@2025-01-15T00:00:00Z");
        assertThat(request.getScheduledFor()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(request.getRequestedAt()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(request.getDeadline()).isEqualTo("2025-01-15T00:05:00Z");
        assertThat(request.getTrigger()).isEqualTo(Trigger.SCHEDULE);
        assertThat(request.getMaxAttempts()).isEqualTo(3);
        assertThat(request.getParameters()).containsExactly(Map.entry("source", "pokemon-data"));
        assertThat(request.getRequestedBy()).isEqualTo("scheduler");
    }

    @Test
    void simulatedWeeksFireEveryJobOncePerDayAndChainDependencies() {
        scheduler.tick();
        for (int minute = 0; minute < 21 * 24 * 60; minute++) {
            clock.advance(Duration.ofMinutes(1));
            scheduler.tick();
            for (JobRequested request : new ArrayList<>(published.requests())) {
                if (scheduler.run(request.getRunId()).orElseThrow().summary().status().active()) {
                    complete(request, JobStatus.SUCCEEDED, false);
                }
            }
        }
        assertThat(published.requests("backup-database")).hasSize(21)
                .allMatch(r -> r.getTrigger() == Trigger.SCHEDULE);
        List<JobRequested> rotations = published.requests("rotate-backups");
        assertThat(rotations.stream().filter(r -> r.getTrigger() == Trigger.SCHEDULE)).hasSize(21);
        assertThat(rotations.stream().filter(r -> r.getTrigger() == Trigger.DEPENDENCY)).hasSize(21)
                .allMatch(r -> r.getRunId().equals("rotate-backups@after:" + r.getCausationRunId()));
        assertThat(published.requests().stream().map(JobRequested::getRunId).distinct().count())
                .isEqualTo(published.requests().size());
    }

    @Test
    void berlinAndNewYorkJobsFireOncePerDayOverWeeksAcrossDaylightSavingChanges() {
        JobCatalog catalog = new JobCatalog(List.of(
                new JobDraft("berlin", "BACKUP", "30 2 * * *", "Europe/Berlin", null, 0, null, false, null, true, null)
                        .toDefinition(),
                new JobDraft("new-york", "BACKUP", "30 1 * * *", "America/New_York", null, 0, null, false, null, true, null)
                        .toDefinition(),
                new JobDraft("hourly-berlin", "VERIFY", "@hourly", "Europe/Berlin", null, 0, null, false, null, true, null)
                        .toDefinition()),
                List.of());
        for (String start : List.of("2025-03-20T00:00:00Z", "2025-10-20T00:00:00Z")) {
            RecordingPublisher log = new RecordingPublisher();
            SettableClock time = new SettableClock(start);
            Scheduler weeks = new Scheduler(new SchedulerCore(catalog, POLICY), log, new SchedulerObserver() {
            }, time);
            weeks.tick();
            for (int minute = 0; minute < 28 * 24 * 60; minute++) {
                time.advance(Duration.ofMinutes(1));
                weeks.tick();
            }
            // 28 days, each of which has exactly one 02:30 Berlin / 01:30 New York fire (skipped or repeated hours included)
            assertThat(log.requests("berlin")).as("Berlin from %s", start).hasSize(28);
            assertThat(log.requests("new-york")).as("New York from %s", start).hasSize(28);
            // hourly follows elapsed time: one fire per real hour, 24 * 28 of them
            assertThat(log.requests("hourly-berlin")).as("hourly from %s", start).hasSize(28 * 24);
            // nobody completes these runs: each one times out, none is skipped
            assertThat(log.completions()).allMatch(c -> c.getStatus() == JobStatus.TIMED_OUT);
        }
    }

    @Test
    void aFireMissedWithinTheGraceRunsOnceAndOlderMissesAreSkippedAndReported() {
        JobRequested earlier = scheduleRequest("backup-database", "2025-01-10T00:00:00Z");
        InboundEvents.apply(scheduler, earlier);
        InboundEvents.apply(scheduler, completion(earlier, JobStatus.SUCCEEDED, false, Instant.parse("2025-01-10T00:01:00Z")));

        clock.set("2025-01-14T00:05:00Z"); // down for four days; the last fire is 5 minutes ago
        scheduler.tick();
        assertThat(published.requests("backup-database")).singleElement()
                .satisfies(r -> assertThat(r.getScheduledFor()).isEqualTo("2025-01-14T00:00:00Z"));
        complete(published.requests().get(0), JobStatus.SUCCEEDED, false);

        clock.set("2025-01-20T06:00:00Z"); // down again; the last fire is 6 hours old, beyond the grace
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(1);
        JobCompleted skipped = published.completions().stream().filter(c -> c.getStatus() == JobStatus.SKIPPED)
                .findFirst().orElseThrow();
        assertThat(skipped.getStatus()).isEqualTo(JobStatus.SKIPPED);
        assertThat(skipped.getRunId()).isEqualTo("backup-database@2025-01-20T00:00:00Z");
        assertThat(skipped.getMessage()).contains("6 fire(s) missed");

        clock.set("2025-01-21T00:00:01Z");
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(2);
    }

    @Test
    void successOfAnOwnOrExternalJobTriggersItsDependentsOncePerUpstreamRun() {
        clock.set("2025-01-15T03:10:00Z");
        JobCompleted sync = JobCompleted.newBuilder()
                .setRunId("sync-missing-cards@2025-01-15T03:00:00Z").setJobName("sync-missing-cards").setJobType("SYNC")
                .setStatus(JobStatus.SUCCEEDED).setFinishedAt(Instant.parse("2025-01-15T03:09:00Z")).setWorker("cards")
                .setScheduledFor(Instant.parse("2025-01-15T03:00:00Z"))
                .build();
        InboundEvents.apply(scheduler, sync);
        InboundEvents.apply(scheduler, sync); // redelivered
        scheduler.tick();
        scheduler.tick();

        assertThat(published.requests("replicate-to-primary")).singleElement().satisfies(r -> {
            assertThat(r.getRunId()).isEqualTo("replicate-to-primary@after:sync-missing-cards@2025-01-15T03:00:00Z");
            assertThat(r.getTrigger()).isEqualTo(Trigger.DEPENDENCY);
            assertThat(r.getCausationRunId()).isEqualTo("sync-missing-cards@2025-01-15T03:00:00Z");
            assertThat(r.getScheduledFor()).isEqualTo("2025-01-15T03:00:00Z");
            assertThat(r.getJobType()).isEqualTo("REPLICATION");
        });
    }

    @Test
    void failedRetryableRunsAreRetriedAfterTheDelayUpToTheJobsRetriesThenGiveUp() {
        clock.set("2025-01-15T10:00:00Z");
        String runId = scheduler.trigger("backup-database", Map.of(), "test").runId();
        for (int attempt = 1; attempt <= 3; attempt++) {
            JobRequested latest = published.requests("backup-database").get(attempt - 1);
            assertThat(latest.getAttempt()).isEqualTo(attempt);
            assertThat(latest.getRunId()).isEqualTo(runId);
            clock.advance(Duration.ofSeconds(5));
            complete(latest, JobStatus.FAILED, true);
            clock.advance(Duration.ofSeconds(29));
            scheduler.tick();
            assertThat(published.requests("backup-database")).as("not before the delay").hasSize(attempt);
            clock.advance(Duration.ofSeconds(1));
            scheduler.tick();
        }
        List<JobRequested> requests = published.requests("backup-database");
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).getTrigger()).isEqualTo(Trigger.RETRY);
        assertThat(requests.get(1).getCausationRunId()).isEqualTo(runId);
        assertThat(requests.get(1).getParameters()).isEqualTo(requests.get(0).getParameters());
        RunDetail run = scheduler.run(runId).orElseThrow();
        assertThat(run.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.summary().gaveUp()).isTrue();
        assertThat(run.attempts()).hasSize(3);
    }

    @Test
    void nonRetryableFailuresAreNotRetried() {
        clock.set("2025-01-15T10:00:00Z");
        scheduler.trigger("backup-database", Map.of(), "test");
        complete(published.requests().get(0), JobStatus.FAILED, false);
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        assertThat(published.requests()).hasSize(1);
    }

    @Test
    void aPendingRetrySurvivesARestartBecauseItIsRebuiltFromTheEvents() {
        clock.set("2025-01-15T10:00:00Z");
        scheduler.trigger("backup-database", Map.of(), "test");
        complete(published.requests().get(0), JobStatus.FAILED, true);
        List<Object> topic = new ArrayList<>(published.log);

        // a new scheduler replays the topic and performs the retry when due
        RecordingPublisher afterRestart = new RecordingPublisher();
        clock.advance(Duration.ofSeconds(10));
        scheduler = new Scheduler(new SchedulerCore(originalJobs(), POLICY), afterRestart, new SchedulerObserver() {
        }, clock);
        for (Object event : topic) {
            InboundEvents.apply(scheduler, event);
        }
        scheduler.tick();
        assertThat(afterRestart.requests()).isEmpty();
        assertThat(scheduler.run(published.requests().get(0).getRunId()).orElseThrow().summary().status())
                .isEqualTo(RunStatus.RETRY_PENDING);
        clock.advance(Duration.ofSeconds(20));
        scheduler.tick();
        assertThat(afterRestart.requests()).singleElement()
                .satisfies(r -> assertThat(r.getAttempt()).isEqualTo(2));
    }

    @Test
    void aRunWithoutCompletionByDeadlinePlusGraceIsDeclaredTimedOutAndRetried() {
        clock.set("2025-01-15T10:00:00Z");
        scheduler.trigger("backup-database", Map.of(), "test");
        clock.set("2025-01-15T10:05:29Z");
        scheduler.tick();
        assertThat(published.completions()).isEmpty();
        clock.set("2025-01-15T10:05:30Z");
        scheduler.tick();
        assertThat(published.completions()).singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
            assertThat(c.getRetryable()).isTrue();
            assertThat(c.getError().getType()).isEqualTo("DEADLINE_EXCEEDED");
        });
        clock.set("2025-01-15T10:06:00Z");
        scheduler.tick();
        assertThat(published.requests()).hasSize(2);
        assertThat(published.requests().get(1).getTrigger()).isEqualTo(Trigger.RETRY);
        // a late completion of the first attempt changes nothing
        InboundEvents.apply(scheduler, completion(published.requests().get(0), JobStatus.SUCCEEDED, false, clock.instant()));
        assertThat(scheduler.run(published.requests().get(0).getRunId()).orElseThrow().summary().status())
                .isEqualTo(RunStatus.REQUESTED);
    }

    @Test
    void anExclusiveJobThatIsRunningSkipsOtherTriggers() {
        clock.set("2025-01-14T23:58:00Z");
        scheduler.tick();
        TriggerResult manual = scheduler.trigger("backup-database", Map.of(), "test");
        assertThat(manual.dispatched()).isTrue();
        assertThat(scheduler.trigger("backup-database", Map.of(), "test")).as("same millisecond, same run")
                .isEqualTo(manual);
        clock.advance(Duration.ofMillis(1));
        TriggerResult second = scheduler.trigger("backup-database", Map.of(), "test");
        assertThat(second.dispatched()).isFalse();
        clock.set("2025-01-15T00:00:00Z");
        scheduler.tick();

        assertThat(published.requests("backup-database")).hasSize(1);
        assertThat(published.completions()).extracting(JobCompleted::getRunId)
                .containsExactly(second.runId(), "backup-database@2025-01-15T00:00:00Z");
        assertThat(published.completions()).allSatisfy(c -> {
            assertThat(c.getStatus()).isEqualTo(JobStatus.SKIPPED);
            assertThat(c.getMessage()).isEqualTo("already running: " + manual.runId());
        });
        // the skipped fire counts as fired: no second attempt at it
        clock.advance(Duration.ofMinutes(1));
        complete(published.requests().get(0), JobStatus.SUCCEEDED, false);
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(1);
    }

    @Test
    void manualTriggersMergeParametersAndRejectUnknownJobs() {
        clock.set("2025-01-15T10:11:12.345678Z");
        TriggerResult result = scheduler.trigger("backup-database", Map.of("dryRun", "true"), "alice");
        assertThat(result.runId()).isEqualTo("backup-database@2025-01-15T10:11:12.345Z");
        assertThat(published.requests().get(0).getParameters())
                .isEqualTo(Map.of("source", "pokemon-data", "dryRun", "true"));
        assertThat(published.requests().get(0).getRequestedBy()).isEqualTo("alice");
        assertThatThrownBy(() -> scheduler.trigger("nope", Map.of(), "alice")).isInstanceOf(UnknownJobException.class);
    }

    @Test
    void aFailedPublishChangesNothingAndIsDecidedAgain() {
        scheduler.tick();
        clock.set("2025-01-15T00:00:00Z");
        published.failing = true;
        assertThatThrownBy(scheduler::tick).hasMessageContaining("broker unavailable");
        published.failing = false;
        clock.set("2025-01-15T00:00:02Z");
        scheduler.tick();
        assertThat(published.requests("backup-database")).singleElement()
                .satisfies(r -> assertThat(r.getScheduledFor()).isEqualTo("2025-01-15T00:00:00Z"));
    }

    @Test
    void requestsPublishedByOtherSystemsAreTrackedLikeOurOwn() {
        clock.set("2025-01-14T23:59:30Z");
        scheduler.tick();
        JobRequested external = JobRequested.newBuilder(scheduleRequest("backup-database", "2025-01-14T23:59:00Z"))
                .setRunId("backup-database@ops-console-42").setTrigger(Trigger.EXTERNAL).setRequestedBy("ops-console")
                .setRequestedAt(Instant.parse("2025-01-14T23:59:00Z")).setDeadline(Instant.parse("2025-01-15T00:04:00Z"))
                .build();
        InboundEvents.apply(scheduler, external);

        clock.set("2025-01-15T00:00:00Z");
        scheduler.tick(); // the exclusive job is running on another system's request: the midnight fire is skipped
        assertThat(published.requests()).isEmpty();
        assertThat(published.completions()).singleElement()
                .satisfies(c -> assertThat(c.getMessage()).isEqualTo("already running: backup-database@ops-console-42"));

        clock.set("2025-01-15T00:04:30Z");
        scheduler.tick(); // and it times out like ours, then is retried with the job's definition
        assertThat(published.completions()).last().satisfies(c -> {
            assertThat(c.getRunId()).isEqualTo("backup-database@ops-console-42");
            assertThat(c.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
        });
        clock.set("2025-01-15T00:05:00Z");
        scheduler.tick();
        assertThat(published.requests()).singleElement().satisfies(r -> {
            assertThat(r.getRunId()).isEqualTo("backup-database@ops-console-42");
            assertThat(r.getAttempt()).isEqualTo(2);
            assertThat(r.getRequestedBy()).isEqualTo("scheduler");
        });
    }

    @Test
    void dependencyTriggersOlderThanTheGraceAreDroppedNotRun() {
        clock.set("2025-01-15T12:00:00Z");
        InboundEvents.apply(scheduler, JobRequested.newBuilder(scheduleRequest("backup-database", "2025-01-10T00:00:00Z"))
                .setTrigger(Trigger.MANUAL).build());
        JobCompleted old = JobCompleted.newBuilder()
                .setRunId("backup-database@2025-01-10T00:00:00Z").setJobName("backup-database").setJobType("BACKUP")
                .setStatus(JobStatus.SUCCEEDED).setFinishedAt(Instant.parse("2025-01-10T00:03:00Z")).setWorker("w")
                .build();
        InboundEvents.apply(scheduler, old);
        assertThat(scheduler.tick()).isEqualTo(1);
        assertThat(published.log).isEmpty();
        assertThat(scheduler.tick()).isZero();
    }

    @Test
    void aRunFoundOverdueLongAfterItsDeadlineIsClosedWithoutRetry() {
        JobRequested ancient = scheduleRequest("backup-database", "2025-01-01T00:00:00Z");
        InboundEvents.apply(scheduler, ancient);
        clock.set("2025-01-15T12:00:00Z");
        scheduler.tick();
        scheduler.tick();
        assertThat(published.completions().stream().filter(c -> c.getRunId().equals(ancient.getRunId())))
                .singleElement().satisfies(c -> {
            assertThat(c.getStatus()).isEqualTo(JobStatus.TIMED_OUT);
            assertThat(c.getRetryable()).isFalse();
            assertThat(c.getMessage()).endsWith("noticed too late to retry");
        });
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        assertThat(published.requests()).isEmpty();
    }

    private static JobRequested scheduleRequest(String job, String at) {
        Instant scheduledFor = Instant.parse(at);
        return JobRequested.newBuilder()
                .setRunId(SchedulerCore.runId(job, scheduledFor)).setJobName(job).setJobType("BACKUP")
                .setAttempt(1).setMaxAttempts(3).setTrigger(Trigger.SCHEDULE).setScheduledFor(scheduledFor)
                .setRequestedAt(scheduledFor).setDeadline(scheduledFor.plus(Duration.ofMinutes(5)))
                .setRequestedBy("scheduler").setParameters(Map.of("source", "pokemon-data"))
                .build();
    }
}
