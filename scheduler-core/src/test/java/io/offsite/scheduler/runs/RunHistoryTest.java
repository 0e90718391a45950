package io.offsite.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The run history: bounded per job and in all without changing any decision; paged newest first. */
class RunHistoryTest {

    private static final int PER_JOB = 5;

    private final SettableClock clock = new SettableClock("2025-03-01T00:00:00Z");
    private final RecordingPublisher published = new RecordingPublisher();
    private final Scheduler scheduler = scheduler(PER_JOB, 1_000);

    private Scheduler scheduler(int perJob, int total) {
        JobCatalog catalog = new JobCatalog(List.of(
                new JobDraft("backup", "BACKUP", null, "UTC", Duration.ofMinutes(5), 2, Duration.ofMinutes(1), false,
                        List.of(), true, Map.of("source", "db")).toDefinition(),
                new JobDraft("rotate", "ROTATION", null, "UTC", Duration.ofMinutes(1), 0, Duration.ofSeconds(30), false,
                        List.of("backup"), true, Map.of()).toDefinition(),
                new JobDraft("verify", "VERIFY", null, "UTC", Duration.ofMinutes(1), 0, Duration.ofSeconds(30), false,
                        List.of(), true, Map.of()).toDefinition()),
                List.of());
        return new Scheduler(new SchedulerCore(catalog, new SchedulerPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30),
                total, "scheduler", perJob)), published, new SchedulerObserver() {
        }, clock);
    }

    private Requested request(String job, String type, String runId, int attempt) {
        Instant now = clock.instant();
        return Events.request().setRunId(runId).setJobName(job).setJobType(type).setAttempt(attempt)
                .setMaxAttempts(3).setTrigger(attempt == 1 ? Trigger.EXTERNAL : Trigger.RETRY).setScheduledFor(now)
                .setRequestedAt(now).setDeadline(now.plus(Duration.ofMinutes(5))).setRequestedBy("test")
                .setParameters(Map.of("source", "db")).build();
    }

    private static Completed completion(Requested request, RunStatus status, boolean retryable, Instant at) {
        return Events.completion().setRunId(request.runId()).setJobName(request.jobName())
                .setJobType(request.jobType()).setAttempt(request.attempt()).setStatus(status).setRetryable(retryable)
                .setStartedAt(request.requestedAt()).setFinishedAt(at).setWorker("w")
                .setScheduledFor(request.scheduledFor()).build();
    }

    /** A run of {@code job} requested now and finished a second later, with the clock a minute on. */
    private Requested finished(String job, String type, String runId, RunStatus status) {
        Requested request = request(job, type, runId, 1);
        scheduler.apply(request);
        scheduler.apply(completion(request, status, false, clock.instant().plusSeconds(1)));
        clock.advance(Duration.ofMinutes(1));
        return request;
    }

    private List<String> ids(RunPage page) {
        return page.runs().stream().map(RunSummary::runId).toList();
    }

    private RunPage page(String job, RunStatus status, int size, RunQuery.Position after) {
        return scheduler.runs(new RunQuery(job, status, null, null, size, after));
    }

    @Test
    void keepsTheNewestRunsOfEachJobAndSaysWhatWasDropped() {
        Instant first = clock.instant();
        for (int i = 0; i < 12; i++) {
            finished("backup", "BACKUP", "backup@" + i, RunStatus.SUCCEEDED);
        }
        finished("verify", "VERIFY", "verify@0", RunStatus.SUCCEEDED);

        RunPage backups = page("backup", null, 100, null);
        assertThat(ids(backups)).containsExactly("backup@11", "backup@10", "backup@9", "backup@8", "backup@7");
        assertThat(backups.truncated()).isTrue();
        assertThat(backups.droppedRuns()).isEqualTo(7);
        assertThat(backups.historyFrom()).isEqualTo(first.plus(Duration.ofMinutes(7)));

        RunPage verifies = page("verify", null, 100, null);
        assertThat(ids(verifies)).as("one job's runs never push out another's").containsExactly("verify@0");
        assertThat(verifies.truncated()).isFalse();
        assertThat(verifies.historyFrom()).isEqualTo(first.plus(Duration.ofMinutes(12)));

        RunPage all = page(null, null, 100, null);
        assertThat(all.runs()).hasSize(6);
        assertThat(all.truncated()).isTrue();
        assertThat(all.historyFrom()).isEqualTo(first.plus(Duration.ofMinutes(7)));
        assertThat(page("nobody", null, 10, null)).satisfies(p -> {
            assertThat(p.runs()).isEmpty();
            assertThat(p.truncated()).isFalse();
            assertThat(p.historyFrom()).isNull();
        });
    }

    @Test
    void theTotalLimitDropsTheOldestRunsOfAnyJob() {
        Scheduler small = scheduler(100, 4);
        for (int i = 0; i < 3; i++) {
            Requested r = request("backup", "BACKUP", "backup@" + i, 1);
            small.apply(r);
            small.apply(completion(r, RunStatus.SUCCEEDED, false, clock.instant()));
            clock.advance(Duration.ofMinutes(1));
            Requested v = request("verify", "VERIFY", "verify@" + i, 1);
            small.apply(v);
            small.apply(completion(v, RunStatus.SUCCEEDED, false, clock.instant()));
            clock.advance(Duration.ofMinutes(1));
        }
        RunPage all = small.runs(new RunQuery(null, null, null, null, 100, null));
        assertThat(all.runs()).extracting(RunSummary::runId).containsExactly("verify@2", "backup@2", "verify@1", "backup@1");
        assertThat(all.droppedRuns()).isEqualTo(2);
        assertThat(small.runs(new RunQuery("backup", null, null, null, 100, null)).droppedRuns()).isEqualTo(1);
    }

    @Test
    void activeRunsAreNeverDroppedAndStillTimeOut() {
        Requested stuck = request("backup", "BACKUP", "backup@stuck", 1);
        scheduler.apply(stuck);
        scheduler.apply(Events.started().setRunId(stuck.runId()).setJobName("backup").setJobType("BACKUP")
                .setAttempt(1).setStartedAt(clock.instant()).setWorker("w").build());
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) {
            finished("backup", "BACKUP", "backup@" + i, RunStatus.FAILED); // failed for good: no retry, no dependents
            if (i == 0) {
                // nothing overdue yet: the stuck run's deadline is five minutes after its request
                assertThat(scheduler.tick()).isZero();
            }
        }
        assertThat(ids(page("backup", RunStatus.RUNNING, 10, null))).containsExactly("backup@stuck");
        assertThat(page("backup", null, 100, null).runs()).as("the active run counts towards the cap").hasSize(PER_JOB);

        scheduler.tick(); // 20 minutes on: the stuck run is overdue
        assertThat(published.log).filteredOn(Completed.class::isInstance).map(Completed.class::cast)
                .singleElement().satisfies(c -> {
                    assertThat(c.runId()).isEqualTo("backup@stuck");
                    assertThat(c.status()).isEqualTo(RunStatus.TIMED_OUT);
                });
    }

    @Test
    void aPendingRetryOutlivesTheCapAndIsDispatched() {
        Requested failing = request("backup", "BACKUP", "backup@failing", 1);
        scheduler.apply(failing);
        scheduler.apply(completion(failing, RunStatus.FAILED, true, clock.instant()));
        for (int i = 0; i < 20; i++) {
            // the other runs arrive within the retry delay of a minute
            Requested other = request("backup", "BACKUP", "backup@" + i, 1);
            scheduler.apply(other);
            scheduler.apply(completion(other, RunStatus.SUCCEEDED, false, clock.instant()));
        }
        assertThat(ids(page("backup", RunStatus.RETRY_PENDING, 10, null))).containsExactly("backup@failing");
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        assertThat(published.requests("backup")).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo("backup@failing");
            assertThat(r.attempt()).isEqualTo(2);
            assertThat(r.trigger()).isEqualTo(Trigger.RETRY);
        });
    }

    @Test
    void dependentsAndLastSuccessDoNotDependOnTheHistoryKept() {
        Requested upstream = request("backup", "BACKUP", "backup@upstream", 1);
        scheduler.apply(upstream);
        Instant finishedAt = clock.instant().plusSeconds(5);
        scheduler.apply(completion(upstream, RunStatus.SUCCEEDED, false, finishedAt));
        for (int i = 0; i < 20; i++) {
            Requested other = request("backup", "BACKUP", "backup@" + i, 1);
            scheduler.apply(other);
            scheduler.apply(completion(other, RunStatus.FAILED, false, clock.instant()));
        }
        assertThat(scheduler.run("backup@upstream")).as("dropped from the history").isEmpty();
        assertThat(scheduler.lastSuccess("backup")).contains(finishedAt);
        clock.advance(Duration.ofSeconds(10));
        scheduler.tick();
        assertThat(published.requests("rotate")).singleElement()
                .satisfies(r -> assertThat(r.causationRunId()).isEqualTo("backup@upstream"));
    }

    @Test
    void pagesNewestFirstWithoutDuplicatesOrGapsWhileRunsArrive() {
        Scheduler roomy = scheduler(1_000, 1_000);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            Requested r = request(i % 2 == 0 ? "backup" : "verify", i % 2 == 0 ? "BACKUP" : "VERIFY", "run-" + i, 1);
            roomy.apply(r);
            roomy.apply(completion(r, i % 5 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED, false, clock.instant()));
            expected.add(0, "run-" + i);
            if (i % 3 != 0) {
                clock.advance(Duration.ofMinutes(1)); // some runs share their requestedAt: the run id orders them
            }
        }
        List<String> seen = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        RunQuery.Position after = null;
        int pages = 0;
        do {
            RunPage page = roomy.runs(new RunQuery(null, null, null, null, 10, after));
            page.runs().forEach(r -> {
                seen.add(r.runId());
                unique.add(r.runId());
            });
            after = page.next() == null ? null : RunQuery.Position.decode(page.next().encode());
            pages++;
            if (pages == 1) {
                Requested late = request("backup", "BACKUP", "run-late", 1); // newer: it belongs before page one
                roomy.apply(late);
            }
        } while (after != null);
        assertThat(pages).isEqualTo(3);
        assertThat(unique).hasSameSizeAs(seen);
        List<String> sortedExpected = roomy.runs(new RunQuery(null, null, null, null, 1000, null)).runs().stream()
                .map(RunSummary::runId).filter(id -> !id.equals("run-late")).toList();
        assertThat(seen).containsExactlyElementsOf(sortedExpected);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void filtersByJobStatusAndTimeRange() {
        Instant start = clock.instant();
        for (int i = 0; i < 10; i++) {
            finished(i % 2 == 0 ? "backup" : "verify", i % 2 == 0 ? "BACKUP" : "VERIFY", "r" + i,
                    i % 3 == 0 ? RunStatus.FAILED : RunStatus.SUCCEEDED);
        }
        Scheduler s = scheduler;
        assertThat(ids(s.runs(new RunQuery("backup", RunStatus.FAILED, null, null, 10, null)))).containsExactly("r6", "r0");
        assertThat(ids(s.runs(new RunQuery(null, null, start.plus(Duration.ofMinutes(3)), start.plus(Duration.ofMinutes(6)),
                10, null)))).as("from inclusive, to exclusive").containsExactly("r5", "r4", "r3");
        assertThat(ids(s.runs(new RunQuery("verify", RunStatus.SUCCEEDED, start.plus(Duration.ofMinutes(4)), null, 10, null))))
                .containsExactly("r7", "r5");
    }

    @Test
    void aCursorIsOpaqueAndRefusedWhenForged() {
        RunQuery.Position position = new RunQuery.Position(Instant.parse("2025-03-01T10:00:00Z"), "backup@x|y");
        assertThat(RunQuery.Position.decode(position.encode())).isEqualTo(position);
        assertThatThrownBy(() -> RunQuery.Position.decode("not base64!")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RunQuery.Position.decode("bm9waXBl")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RunQuery(null, null, null, null, 0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
