package io.offsite.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    private static Completed completion(Requested request, RunStatus status, boolean retryable, Instant finishedAt) {
        return Events.completion()
                .setRunId(request.runId()).setJobName(request.jobName()).setJobType(request.jobType())
                .setAttempt(request.attempt()).setStatus(status).setRetryable(retryable)
                .setStartedAt(request.requestedAt()).setFinishedAt(finishedAt).setWorker("test-worker")
                .setScheduledFor(request.scheduledFor())
                .build();
    }

    private void complete(Requested request, RunStatus status, boolean retryable) {
        Completed completion = completion(request, status, retryable, clock.instant());
        published.log.add(completion);
        scheduler.apply(completion);
    }

    @Test
    void firesBackupAtMidnightOnceWithItsDefinition() {
        scheduler.tick(); // first look establishes the baseline
        tickEvery(Duration.ofSeconds(1), Duration.ofMinutes(3));

        List<Requested> backups = published.requests("backup-database");
        assertThat(backups).hasSize(1);
        Requested request = backups.get(0);
        assertThat(request.runId()).isEqualTo("backup-database@2025-01-15T00:00:00Z");
        assertThat(request.scheduledFor()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(request.requestedAt()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(request.deadline()).isEqualTo("2025-01-15T00:05:00Z");
        assertThat(request.trigger()).isEqualTo(Trigger.SCHEDULE);
        assertThat(request.maxAttempts()).isEqualTo(3);
        assertThat(request.parameters()).containsExactly(Map.entry("source", "pokemon-data"));
        assertThat(request.requestedBy()).isEqualTo("scheduler");
    }

    @Test
    void simulatedWeeksFireEveryJobOncePerDayAndChainDependencies() {
        scheduler.tick();
        for (int minute = 0; minute < 21 * 24 * 60; minute++) {
            clock.advance(Duration.ofMinutes(1));
            scheduler.tick();
            for (Requested request : new ArrayList<>(published.requests())) {
                if (scheduler.run(request.runId()).orElseThrow().summary().status().active()) {
                    complete(request, RunStatus.SUCCEEDED, false);
                }
            }
        }
        assertThat(published.requests("backup-database")).hasSize(21)
                .allMatch(r -> r.trigger() == Trigger.SCHEDULE);
        List<Requested> rotations = published.requests("rotate-backups");
        assertThat(rotations.stream().filter(r -> r.trigger() == Trigger.SCHEDULE)).hasSize(21);
        assertThat(rotations.stream().filter(r -> r.trigger() == Trigger.DEPENDENCY)).hasSize(21)
                .allMatch(r -> r.runId().equals("rotate-backups@after:" + r.causationRunId()));
        assertThat(published.requests().stream().map(Requested::runId).distinct().count())
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
            assertThat(log.completions()).allMatch(c -> c.status() == RunStatus.TIMED_OUT);
        }
    }

    @Test
    void aFireMissedWithinTheGraceRunsOnceAndOlderMissesAreSkippedAndReported() {
        Requested earlier = scheduleRequest("backup-database", "2025-01-10T00:00:00Z");
        scheduler.apply(earlier);
        scheduler.apply(completion(earlier, RunStatus.SUCCEEDED, false, Instant.parse("2025-01-10T00:01:00Z")));

        clock.set("2025-01-14T00:05:00Z"); // down for four days; the last fire is 5 minutes ago
        scheduler.tick();
        assertThat(published.requests("backup-database")).singleElement()
                .satisfies(r -> assertThat(r.scheduledFor()).isEqualTo("2025-01-14T00:00:00Z"));
        complete(published.requests().get(0), RunStatus.SUCCEEDED, false);

        clock.set("2025-01-20T06:00:00Z"); // down again; the last fire is 6 hours old, beyond the grace
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(1);
        Completed skipped = published.completions().stream().filter(c -> c.status() == RunStatus.SKIPPED)
                .findFirst().orElseThrow();
        assertThat(skipped.status()).isEqualTo(RunStatus.SKIPPED);
        assertThat(skipped.runId()).isEqualTo("backup-database@2025-01-20T00:00:00Z");
        assertThat(skipped.message()).contains("6 fire(s) missed");

        clock.set("2025-01-21T00:00:01Z");
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(2);
    }

    @Test
    void successOfAnOwnOrExternalJobTriggersItsDependentsOncePerUpstreamRun() {
        clock.set("2025-01-15T03:10:00Z");
        Completed sync = Events.completion()
                .setRunId("sync-missing-cards@2025-01-15T03:00:00Z").setJobName("sync-missing-cards").setJobType("SYNC")
                .setStatus(RunStatus.SUCCEEDED).setFinishedAt(Instant.parse("2025-01-15T03:09:00Z")).setWorker("cards")
                .setScheduledFor(Instant.parse("2025-01-15T03:00:00Z"))
                .build();
        scheduler.apply(sync);
        scheduler.apply(sync); // redelivered
        scheduler.tick();
        scheduler.tick();

        assertThat(published.requests("replicate-to-primary")).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo("replicate-to-primary@after:sync-missing-cards@2025-01-15T03:00:00Z");
            assertThat(r.trigger()).isEqualTo(Trigger.DEPENDENCY);
            assertThat(r.causationRunId()).isEqualTo("sync-missing-cards@2025-01-15T03:00:00Z");
            assertThat(r.scheduledFor()).isEqualTo("2025-01-15T03:00:00Z");
            assertThat(r.jobType()).isEqualTo("REPLICATION");
        });
    }

    @Test
    void failedRetryableRunsAreRetriedAfterTheDelayUpToTheJobsRetriesThenGiveUp() {
        clock.set("2025-01-15T10:00:00Z");
        String runId = scheduler.trigger("backup-database", Map.of(), "test").runId();
        for (int attempt = 1; attempt <= 3; attempt++) {
            Requested latest = published.requests("backup-database").get(attempt - 1);
            assertThat(latest.attempt()).isEqualTo(attempt);
            assertThat(latest.runId()).isEqualTo(runId);
            clock.advance(Duration.ofSeconds(5));
            complete(latest, RunStatus.FAILED, true);
            clock.advance(Duration.ofSeconds(29));
            scheduler.tick();
            assertThat(published.requests("backup-database")).as("not before the delay").hasSize(attempt);
            clock.advance(Duration.ofSeconds(1));
            scheduler.tick();
        }
        List<Requested> requests = published.requests("backup-database");
        assertThat(requests).hasSize(3);
        assertThat(requests.get(1).trigger()).isEqualTo(Trigger.RETRY);
        assertThat(requests.get(1).causationRunId()).isEqualTo(runId);
        assertThat(requests.get(1).parameters()).isEqualTo(requests.get(0).parameters());
        RunDetail run = scheduler.run(runId).orElseThrow();
        assertThat(run.summary().status()).isEqualTo(RunStatus.FAILED);
        assertThat(run.summary().gaveUp()).isTrue();
        assertThat(run.attempts()).hasSize(3);
    }

    @Test
    void nonRetryableFailuresAreNotRetried() {
        clock.set("2025-01-15T10:00:00Z");
        scheduler.trigger("backup-database", Map.of(), "test");
        complete(published.requests().get(0), RunStatus.FAILED, false);
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        assertThat(published.requests()).hasSize(1);
    }

    @Test
    void aPendingRetrySurvivesARestartBecauseItIsRebuiltFromTheEvents() {
        clock.set("2025-01-15T10:00:00Z");
        scheduler.trigger("backup-database", Map.of(), "test");
        complete(published.requests().get(0), RunStatus.FAILED, true);

        // a new scheduler replays the topic and performs the retry when due
        RecordingPublisher afterRestart = new RecordingPublisher();
        clock.advance(Duration.ofSeconds(10));
        scheduler = new Scheduler(new SchedulerCore(originalJobs(), POLICY), afterRestart, new SchedulerObserver() {
        }, clock);
        published.replayInto(scheduler); // the topic as the first scheduler left it
        scheduler.tick();
        assertThat(afterRestart.requests()).isEmpty();
        assertThat(scheduler.run(published.requests().get(0).runId()).orElseThrow().summary().status())
                .isEqualTo(RunStatus.RETRY_PENDING);
        clock.advance(Duration.ofSeconds(20));
        scheduler.tick();
        assertThat(afterRestart.requests()).singleElement()
                .satisfies(r -> assertThat(r.attempt()).isEqualTo(2));
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
            assertThat(c.status()).isEqualTo(RunStatus.TIMED_OUT);
            assertThat(c.retryable()).isTrue();
            assertThat(c.error().type()).isEqualTo("DEADLINE_EXCEEDED");
        });
        clock.set("2025-01-15T10:06:00Z");
        scheduler.tick();
        assertThat(published.requests()).hasSize(2);
        assertThat(published.requests().get(1).trigger()).isEqualTo(Trigger.RETRY);
        // a late completion of the first attempt changes nothing
        scheduler.apply(completion(published.requests().get(0), RunStatus.SUCCEEDED, false, clock.instant()));
        assertThat(scheduler.run(published.requests().get(0).runId()).orElseThrow().summary().status())
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
        assertThat(published.completions()).extracting(Completed::runId)
                .containsExactly(second.runId(), "backup-database@2025-01-15T00:00:00Z");
        assertThat(published.completions()).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(RunStatus.SKIPPED);
            assertThat(c.message()).isEqualTo("already running: " + manual.runId());
        });
        // the skipped fire counts as fired: no second attempt at it
        clock.advance(Duration.ofMinutes(1));
        complete(published.requests().get(0), RunStatus.SUCCEEDED, false);
        scheduler.tick();
        assertThat(published.requests("backup-database")).hasSize(1);
    }

    @Test
    void manualTriggersMergeParametersAndRejectUnknownJobs() {
        clock.set("2025-01-15T10:11:12.345678Z");
        TriggerResult result = scheduler.trigger("backup-database", Map.of("dryRun", "true"), "alice");
        assertThat(result.runId()).isEqualTo("backup-database@2025-01-15T10:11:12.345Z");
        assertThat(published.requests().get(0).parameters())
                .isEqualTo(Map.of("source", "pokemon-data", "dryRun", "true"));
        assertThat(published.requests().get(0).requestedBy()).isEqualTo("alice");
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
                .satisfies(r -> assertThat(r.scheduledFor()).isEqualTo("2025-01-15T00:00:00Z"));
    }

    @Test
    void requestsPublishedByOtherSystemsAreTrackedLikeOurOwn() {
        clock.set("2025-01-14T23:59:30Z");
        scheduler.tick();
        Requested external = Events.request(scheduleRequest("backup-database", "2025-01-14T23:59:00Z"))
                .setRunId("backup-database@ops-console-42").setTrigger(Trigger.EXTERNAL).setRequestedBy("ops-console")
                .setRequestedAt(Instant.parse("2025-01-14T23:59:00Z")).setDeadline(Instant.parse("2025-01-15T00:04:00Z"))
                .build();
        scheduler.apply(external);

        clock.set("2025-01-15T00:00:00Z");
        scheduler.tick(); // the exclusive job is running on another system's request: the midnight fire is skipped
        assertThat(published.requests()).isEmpty();
        assertThat(published.completions()).singleElement()
                .satisfies(c -> assertThat(c.message()).isEqualTo("already running: backup-database@ops-console-42"));

        clock.set("2025-01-15T00:04:30Z");
        scheduler.tick(); // and it times out like ours, then is retried with the job's definition
        assertThat(published.completions()).last().satisfies(c -> {
            assertThat(c.runId()).isEqualTo("backup-database@ops-console-42");
            assertThat(c.status()).isEqualTo(RunStatus.TIMED_OUT);
        });
        clock.set("2025-01-15T00:05:00Z");
        scheduler.tick();
        assertThat(published.requests()).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo("backup-database@ops-console-42");
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.requestedBy()).isEqualTo("scheduler");
        });
    }

    @Test
    void dependencyTriggersOlderThanTheGraceAreDroppedNotRun() {
        clock.set("2025-01-15T12:00:00Z");
        scheduler.apply(Events.request(scheduleRequest("backup-database", "2025-01-10T00:00:00Z"))
                .setTrigger(Trigger.MANUAL).build());
        Completed old = Events.completion()
                .setRunId("backup-database@2025-01-10T00:00:00Z").setJobName("backup-database").setJobType("BACKUP")
                .setStatus(RunStatus.SUCCEEDED).setFinishedAt(Instant.parse("2025-01-10T00:03:00Z")).setWorker("w")
                .build();
        scheduler.apply(old);
        assertThat(scheduler.tick()).isEqualTo(1);
        assertThat(published.log).isEmpty();
        assertThat(scheduler.tick()).isZero();
    }

    @Test
    void aRunFoundOverdueLongAfterItsDeadlineIsClosedWithoutRetry() {
        Requested ancient = scheduleRequest("backup-database", "2025-01-01T00:00:00Z");
        scheduler.apply(ancient);
        clock.set("2025-01-15T12:00:00Z");
        scheduler.tick();
        scheduler.tick();
        assertThat(published.completions().stream().filter(c -> c.runId().equals(ancient.runId())))
                .singleElement().satisfies(c -> {
            assertThat(c.status()).isEqualTo(RunStatus.TIMED_OUT);
            assertThat(c.retryable()).isFalse();
            assertThat(c.message()).endsWith("noticed too late to retry");
        });
        clock.advance(Duration.ofMinutes(5));
        scheduler.tick();
        assertThat(published.requests()).isEmpty();
    }

    private static Requested scheduleRequest(String job, String at) {
        Instant scheduledFor = Instant.parse(at);
        return Events.request()
                .setRunId(SchedulerCore.runId(job, scheduledFor)).setJobName(job).setJobType("BACKUP")
                .setAttempt(1).setMaxAttempts(3).setTrigger(Trigger.SCHEDULE).setScheduledFor(scheduledFor)
                .setRequestedAt(scheduledFor).setDeadline(scheduledFor.plus(Duration.ofMinutes(5)))
                .setRequestedBy("scheduler").setParameters(Map.of("source", "pokemon-data"))
                .build();
    }
}
