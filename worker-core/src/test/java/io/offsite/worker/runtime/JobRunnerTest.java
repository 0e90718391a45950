package io.offsite.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.offsite.events.Topics;
import io.offsite.events.Topics.JobType;
import io.offsite.events.serde.EventCodec;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.events.v1.Trigger;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/** The runner with a fixed clock and an in-memory publisher: windows, deadlines, completions that fit, bounded tags. */
class JobRunnerTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    final List<SpecificRecord> published = new CopyOnWriteArrayList<>();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final AtomicReference<JobContext> seen = new AtomicReference<>();

    JobRunner runner(Function<JobContext, JobOutcome> behaviour, int maxRequestSize, List<String> accepted) {
        JobHandler handler = new JobHandler() {
            @Override
            public JobType jobType() {
                return JobType.BACKUP;
            }

            @Override
            public JobOutcome run(JobContext context) {
                seen.set(context);
                return behaviour.apply(context);
            }
        };
        WorkerProperties properties = new WorkerProperties(null, 0, null, null, null, null, accepted, 0);
        return new JobRunner(handler, (topic, key, event) -> published.add(event), CLOCK, "worker@test", properties, meters,
                "backup-group", new JobNameTags(properties.acceptedJobs(), 2), maxRequestSize);
    }

    JobRunner runner(Function<JobContext, JobOutcome> behaviour) {
        return runner(behaviour, JobRunner.DEFAULT_MAX_REQUEST_SIZE, List.of());
    }

    static JobRequested.Builder request(String job) {
        return JobRequested.newBuilder().setRunId(job + "@" + NOW).setJobName(job).setJobType("BACKUP").setTrigger(Trigger.SCHEDULE)
                .setScheduledFor(NOW).setRequestedAt(NOW).setDeadline(NOW.plusSeconds(60)).setParameters(Map.of());
    }

    double rejected(String reason) {
        var counter = meters.find(io.offsite.events.RejectedEvents.METRIC).tag("consumer", "backup-group").tag("topic", Topics.REQUESTS_BACKUP)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void requestOutsideItsWindowIsRejectedWithoutRunningAndCounted() {
        JobRunner runner = runner(ctx -> JobOutcome.succeeded("ran"));
        JobCompleted future = runner.process(request("backup").setScheduledFor(Instant.parse("9999-12-31T00:00:00Z")).build());
        JobCompleted old = runner.process(request("backup").setScheduledFor(NOW.minus(Duration.ofDays(8))).build());
        for (JobCompleted done : List.of(future, old)) {
            assertThat(done.getStatus()).isEqualTo(JobStatus.REJECTED);
            assertThat(done.getRetryable()).isFalse();
            assertThat(done.getStartedAt()).isNull();
            assertThat(done.getError().getType()).isEqualTo("SCHEDULED_FOR_OUT_OF_RANGE");
            assertThat(done.getError().getMessage()).contains("[2025-05-25T12:00:00Z, 2025-06-01T12:05:00Z]");
        }
        assertThat(future.getError().getMessage()).contains("9999-12-31T00:00:00Z");
        assertThat(seen.get()).as("the handler never ran").isNull();
        assertThat(published).noneMatch(e -> e instanceof JobStarted);
        assertThat(rejected("scheduled-for-out-of-range")).isEqualTo(2);
    }

    @Test
    void aFarDeadlineIsCappedAtTheMaximumRunTimeAndStartedSaysSo() {
        runner(ctx -> JobOutcome.succeeded("ran")).process(request("backup").setDeadline(Instant.parse("3000-01-01T00:00:00Z")).build());
        Instant cap = NOW.plus(Duration.ofMinutes(35));
        assertThat(published.get(0)).isInstanceOfSatisfying(JobStarted.class, s -> assertThat(s.getDeadline()).isEqualTo(cap));
        assertThat(seen.get().deadline()).hasValue(cap);
        assertThat(seen.get().remaining()).hasValue(Duration.ofMinutes(35));
    }

    @Test
    void aRequestWithoutDeadlineGetsTheDefaultTimeout() {
        runner(ctx -> JobOutcome.succeeded("ran")).process(request("backup").setDeadline(null).build());
        assertThat(published.get(0)).isInstanceOfSatisfying(JobStarted.class,
                s -> assertThat(s.getDeadline()).isEqualTo(NOW.plus(Duration.ofMinutes(35))));
    }

    @Test
    void whatTheHandlerProducesIsCutToFit() {
        List<Artifact> artifacts = java.util.stream.IntStream.range(0, 2000).mapToObj(i -> Artifact.newBuilder().setBucket("b")
                .setKey("k".repeat(250) + i).setSizeBytes(i).setSha256("0".repeat(64)).setSourceBytes(i).setCompression("gzip").build()).toList();
        JobCompleted done = runner(ctx -> new JobOutcome(JobStatus.SUCCEEDED, "m".repeat(100_000), artifacts, Map.of()), 128 * 1024, List.of())
                .process(request("backup").build());
        assertThat(done.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(done.getMessage()).contains("(truncated, 100000 chars)").contains("of 2000 artifacts");
        assertThat(new EventCodec().encode(done).length).isLessThanOrEqualTo(64 * 1024);
        assertThat(published.get(published.size() - 1)).isEqualTo(done);
    }

    @Test
    void aRejectionMessageFromTheHandlerIsCut() {
        JobCompleted done = runner(ctx -> {
            throw new JobRejectedException("INVALID_PARAMETER", "bad: " + "p".repeat(20_000));
        }).process(request("backup").build());
        assertThat(done.getError().getMessage()).hasSize(4096).endsWith("(truncated, 20005 chars)");
        assertThat(rejected("invalid-parameter")).as("a handler's rejection is a completion, not a refused record").isZero();
    }

    @Test
    void jobTagsAreBounded() {
        JobRunner runner = runner(ctx -> JobOutcome.succeeded("ran"));
        for (int i = 0; i < 5; i++) {
            runner.process(request("job-" + i).build());
        }
        assertThat(meters.find("offsite_jobs_completed").counters()).extracting(c -> c.getId().getTag("job"))
                .containsExactlyInAnyOrder("job-0", "job-1", "other");
        assertThat(meters.find("offsite_jobs_completed").tag("job", "other").counter().count()).isEqualTo(3);
        assertThat(meters.find("offsite_job_duration").timers()).extracting(t -> t.getId().getTag("job"))
                .containsExactlyInAnyOrder("job-0", "job-1", "other");
    }

    @Test
    void withAcceptedJobsForgedNamesAreRejectedAndTaggedOther() {
        JobCompleted done = runner(ctx -> JobOutcome.succeeded("ran"), JobRunner.DEFAULT_MAX_REQUEST_SIZE, List.of("backup"))
                .process(request("forged").build());
        assertThat(done.getError().getType()).isEqualTo("UNKNOWN_JOB");
        assertThat(meters.find("offsite_jobs_completed").counters()).filteredOn(c -> c.count() > 0)
                .extracting(c -> c.getId().getTag("job")).containsExactly("other");
        assertThat(rejected("unknown-job")).isEqualTo(1);
    }

    @Test
    void theAcceptedJobsMetersAreThereAtZeroBeforeAnyRequest() {
        runner(ctx -> JobOutcome.succeeded("ran"), JobRunner.DEFAULT_MAX_REQUEST_SIZE, List.of("backup", "verify"));
        for (String job : List.of("backup", "verify")) {
            for (JobStatus status : JobStatus.values()) {
                assertThat(meters.get("offsite_jobs_completed").tags("job", job, "status", status.name()).counter().count()).isZero();
                assertThat(meters.get("offsite_job_duration").tags("job", job, "status", status.name()).timer().count()).isZero();
            }
        }
        assertThat(meters.find("offsite_jobs_completed").counters()).hasSize(2 * JobStatus.values().length);
    }

    @Test
    void anUnpublishableCompletionIsThrownNotSwallowed() {
        JobHandler handler = new JobHandler() {
            @Override
            public JobType jobType() {
                return JobType.BACKUP;
            }

            @Override
            public JobOutcome run(JobContext context) {
                return JobOutcome.succeeded("ran");
            }
        };
        JobRunner runner = new JobRunner(handler, (topic, key, event) -> {
            if (event instanceof JobCompleted) {
                throw new UnpublishableEventException("too large", null);
            }
        }, CLOCK, "worker@test", new WorkerProperties(null, 0, null, null, null, null, null, 0), meters);
        assertThatThrownBy(() -> runner.process(request("backup").build())).isInstanceOf(UnpublishableEventException.class);
    }
}
