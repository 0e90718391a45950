package io.offsite.scheduler.runs;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core tells its listener of each trusted conclusion once, with the run's parameters; the inventory keeps its view with them. */
class ConclusionForwardingTest {

    private record Told(String job, String type, Map<String, String> parameters, String runId, RunStatus status) {
    }

    private final List<Told> told = new ArrayList<>();
    private final SchedulerCore core = new SchedulerCore(new JobCatalog(List.of(
            new JobDraft("verify-backups", "VERIFY", "30 2 * * 0", "UTC", Duration.ofMinutes(10), 0, Duration.ZERO, true,
                    List.of(), true, Map.of("series", "pokemon-data", "sample", "newest+random")).toDefinition()),
            List.of("verify-elsewhere")), new SchedulerPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30), 1000, "scheduler"),
            (job, type, parameters, completion) -> told.add(new Told(job, type, parameters, completion.runId(), completion.status())));

    private static Requested request(String job, String runId, Map<String, String> parameters, Instant at) {
        return Events.request()
                .setRunId(runId).setJobName(job).setJobType("VERIFY").setAttempt(1).setMaxAttempts(1)
                .setTrigger(Trigger.MANUAL).setScheduledFor(at).setRequestedAt(at).setDeadline(at.plusSeconds(600))
                .setCausationRunId(null).setRequestedBy("test").setParameters(parameters)
                .build();
    }

    private static Completed completed(String job, String runId, RunStatus status, Instant finishedAt) {
        return Events.completion()
                .setRunId(runId).setJobName(job).setJobType("VERIFY").setAttempt(1).setStatus(status)
                .setRetryable(false).setStartedAt(finishedAt.minusSeconds(5)).setFinishedAt(finishedAt).setWorker("w")
                .build();
    }

    @Test
    void aRequestedRunIsToldOnceWithItsRequestsParameters() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        core.onRequested(request("verify-backups", "v@1", Map.of("series", "archive"), t), t);
        Completed done = completed("verify-backups", "v@1", RunStatus.FAILED, t.plusSeconds(5));
        core.onCompleted(done, t.plusSeconds(5));
        core.onCompleted(done, t.plusSeconds(6));
        assertThat(told).containsExactly(new Told("verify-backups", "VERIFY", Map.of("series", "archive"), "v@1", RunStatus.FAILED));
    }

    @Test
    void aCompletionNobodyRequestedIsNotTold() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        core.onCompleted(completed("verify-backups", "forged@1", RunStatus.FAILED, t), t);
        assertThat(told).isEmpty();
    }

    @Test
    void aCompletionReadBeforeItsRequestIsToldWhenTheRequestArrives() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        core.onCompleted(completed("verify-backups", "v@2", RunStatus.SUCCEEDED, t), t);
        assertThat(told).isEmpty();
        core.onRequested(request("verify-backups", "v@2", Map.of("series", "pokemon-data"), t.minusSeconds(10)), t);
        assertThat(told).extracting(Told::runId).containsExactly("v@2");
    }

    @Test
    void anExternalJobsRunIsToldWithoutParametersOfItsOwn() {
        Instant t = Instant.parse("2025-01-19T02:30:00Z");
        core.onCompleted(completed("verify-elsewhere", "e@1", RunStatus.SUCCEEDED, t), t);
        assertThat(told).containsExactly(new Told("verify-elsewhere", "VERIFY", Map.of(), "e@1", RunStatus.SUCCEEDED));
    }
}
