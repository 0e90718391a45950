package io.offsite.worker.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.offsite.events.RejectedEvents;
import io.offsite.events.Topics;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import io.offsite.events.v1.JobStatus;
import io.offsite.worker.settings.WorkerProperties;
import io.offsite.worker.job.JobContext;
import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.job.JobHandler;
import io.offsite.worker.job.JobOutcome;
import io.offsite.worker.job.JobRejectedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one request through a {@link JobHandler}: publishes {@code JobStarted}, enforces the deadline, turns
 * what the handler returns or throws into {@code JobCompleted}, records metrics and logs one line per finished
 * job. Independent of Kafka: the listener hands it decoded requests.
 */
public final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    /** Kafka's default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private final JobHandler handler;
    private final EventPublisher publisher;
    private final Clock clock;
    private final String worker;
    private final WorkerProperties properties;
    private final MeterRegistry meters;
    private final String consumer;
    private final JobNameTags jobTags;
    private final RequestWindow window;
    private final CompletionFitter fitter;
    private final RejectedEvents rejectedEvents;
    private final ExecutorService executor;
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean shuttingDown;

    /** A runner in the default consumer group of its type, for a producer with Kafka's default 1 MiB {@code max.request.size}. */
    public JobRunner(JobHandler handler, EventPublisher publisher, Clock clock, String worker,
                     WorkerProperties properties, MeterRegistry meters) {
        this(handler, publisher, clock, worker, properties, meters,
                "offsite-" + handler.jobType().name().toLowerCase(java.util.Locale.ROOT) + "-workers",
                new JobNameTags(properties.acceptedJobs(), properties.expectedJobs(), properties.limits().metricJobNames()), DEFAULT_MAX_REQUEST_SIZE);
    }

    /**
     * @param consumer the consumer group the requests come from, for the rejection counter
     * @param jobTags the bounded {@code job} tag values, shared by every runner of the worker
     * @param maxRequestSize the producer's {@code max.request.size}: every completion is kept well below it
     */
    public JobRunner(JobHandler handler, EventPublisher publisher, Clock clock, String worker,
                     WorkerProperties properties, MeterRegistry meters, String consumer, JobNameTags jobTags, int maxRequestSize) {
        this.handler = handler;
        this.publisher = publisher;
        this.clock = clock;
        this.worker = worker;
        this.properties = properties;
        this.meters = meters;
        this.consumer = consumer;
        this.jobTags = jobTags;
        this.window = RequestWindow.of(properties);
        this.fitter = new CompletionFitter(properties.limits().messageLength(), maxRequestSize);
        this.rejectedEvents = new RejectedEvents(meters);
        jobTags.registerAtZero(List.of(JobStatus.values()), (job, status) -> {
            completedCounter(job, status);
            durationTimer(job, status);
        });
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "job-" + handler.jobType().name().toLowerCase() + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public String worker() {
        return worker;
    }

    /**
     * Runs the request to its end and publishes its completion. Throws only when an event cannot be published:
     * {@link UnpublishableEventException} when it never can be, another exception when it may later.
     */
    public JobCompleted process(JobRequested request) {
        MDC.put("job", request.getJobName());
        MDC.put("runId", request.getRunId());
        try {
            JobCompleted completed = execute(request);
            publisher.publish(Topics.JOB_EVENTS, request.getJobName(), completed);
            record(completed);
            if (completed.getStatus() == JobStatus.REJECTED && completed.getStartedAt() == null) {
                // refused by the runtime before it ran (wrong type, unknown job, out of its window)
                rejectedEvents.count(consumer, handler.jobType().requestTopic(), slug(completed.getError().getType()));
            }
            return completed;
        } finally {
            MDC.remove("job");
            MDC.remove("runId");
        }
    }

    private JobCompleted execute(JobRequested request) {
        Instant now = clock.instant();
        String expected = handler.jobType().name();
        if (!expected.equalsIgnoreCase(request.getJobType())) {
            return refused(request, "WRONG_JOB_TYPE", "job type '" + request.getJobType() + "' sent to the " + expected
                    + " worker; publish it on the request topic of its type");
        }
        if (!properties.acceptedJobs().isEmpty() && !properties.acceptedJobs().contains(request.getJobName())) {
            return refused(request, "UNKNOWN_JOB", "unknown job '" + request.getJobName() + "': this worker runs "
                    + properties.acceptedJobs());
        }
        var outOfRange = window.refuseScheduledFor(request.getScheduledFor(), now);
        if (outOfRange.isPresent()) {
            return refused(request, "SCHEDULED_FOR_OUT_OF_RANGE", outOfRange.get());
        }
        Instant deadline = window.deadline(request.getDeadline(), now);
        if (!deadline.isAfter(now)) {
            // not retryable: whoever requested it has seen its deadline pass and decided about retries already
            return completed(request, JobStatus.TIMED_OUT, false, null, new JobError("DEADLINE_EXCEEDED",
                    "deadline " + deadline + " passed before the run could start"), JobOutcome.succeeded(null));
        }
        if (request.getDeadline() != null && deadline.isBefore(request.getDeadline())) {
            log.info("[{}] run {} is held to the deadline {} (requested: {}; offsite.worker.max-run-time {})", request.getJobName(),
                    request.getRunId(), deadline, request.getDeadline(), window.maxRunTime());
        }
        if (shuttingDown) {
            throw new WorkerShutdownException("worker is stopping; run " + request.getRunId() + " left for another instance");
        }
        Instant startedAt = clock.instant();
        publisher.publish(Topics.JOB_EVENTS, request.getJobName(), JobStarted.newBuilder()
                .setRunId(request.getRunId()).setJobName(request.getJobName()).setAttempt(request.getAttempt())
                .setStartedAt(startedAt).setWorker(worker).setJobType(request.getJobType()).setDeadline(deadline).build());
        JobContext context = new JobContext(request, clock, worker, deadline);
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        running.incrementAndGet();
        java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        Future<JobOutcome> future = executor.submit(() -> {
            MDC.setContextMap(mdc);
            try {
                return handler.run(context);
            } finally {
                MDC.clear();
                ended.countDown();
            }
        });
        try {
            long waitMillis = Math.max(1, Duration.between(clock.instant(), deadline).toMillis());
            JobOutcome outcome = future.get(waitMillis, TimeUnit.MILLISECONDS);
            return completed(request, outcome.status(), false, startedAt, null, outcome);
        } catch (TimeoutException e) {
            future.cancel(true);
            awaitCleanup(ended, request);
            return completed(request, JobStatus.TIMED_OUT, true, startedAt, new JobError("DEADLINE_EXCEEDED",
                    "run did not finish by its deadline " + deadline + " and was stopped"), JobOutcome.succeeded(null));
        } catch (ExecutionException e) {
            return failure(request, startedAt, e.getCause());
        } catch (CancellationException e) {
            throw new WorkerShutdownException("worker stopped during run " + request.getRunId() + "; it will be redelivered");
        } catch (InterruptedException e) {
            future.cancel(true);
            awaitCleanup(ended, request);
            Thread.currentThread().interrupt();
            throw new WorkerShutdownException("worker interrupted during run " + request.getRunId() + "; it will be redelivered");
        } finally {
            running.decrementAndGet();
        }
    }

    private JobCompleted failure(JobRequested request, Instant startedAt, Throwable cause) {
        if (shuttingDown) {
            throw new WorkerShutdownException("worker stopped during run " + request.getRunId() + "; it will be redelivered");
        }
        if (cause instanceof JobRejectedException rejected) {
            return completed(request, JobStatus.REJECTED, false, startedAt, new JobError(rejected.errorType(), rejected.getMessage()),
                    JobOutcome.succeeded(null));
        }
        if (cause instanceof JobFailedException failed) {
            return completed(request, JobStatus.FAILED, failed.retryable(), startedAt, new JobError(failed.errorType(), failed.getMessage()),
                    JobOutcome.succeeded(null));
        }
        log.warn("[{}] run {} failed with an unexpected error", request.getJobName(), request.getRunId(), cause);
        return completed(request, JobStatus.FAILED, true, startedAt,
                new JobError("UNEXPECTED_ERROR", cause.getClass().getSimpleName() + ": " + cause.getMessage()), JobOutcome.succeeded(null));
    }

    /** Waits until a cancelled job's own finally blocks have run (its temp files and uploads are cleaned up). */
    private void awaitCleanup(java.util.concurrent.CountDownLatch ended, JobRequested request) {
        try {
            if (!ended.await(properties.cleanupGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("[{}] run {} did not stop within {} after it was cancelled", request.getJobName(), request.getRunId(), properties.cleanupGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A request the runtime refuses before running it: REJECTED (not retryable); once published it is counted in
     * {@code offsite_events_rejected_total} with the error type as a lower-case slug.
     */
    private JobCompleted refused(JobRequested request, String type, String message) {
        return completed(request, JobStatus.REJECTED, false, null, new JobError(type, message), JobOutcome.succeeded(null));
    }

    private JobCompleted completed(JobRequested request, JobStatus status, boolean retryable, Instant startedAt,
                                   JobError error, JobOutcome outcome) {
        Instant finishedAt = clock.instant();
        JobCompleted completed = fitter.fit(JobCompleted.newBuilder()
                .setRunId(request.getRunId())
                .setJobName(request.getJobName())
                .setJobType(request.getJobType())
                .setAttempt(request.getAttempt())
                .setStatus(status)
                .setRetryable(retryable)
                .setStartedAt(startedAt)
                .setFinishedAt(finishedAt)
                .setWorker(worker)
                .setError(error)
                .setArtifacts(error == null ? outcome.artifacts() : List.of())
                .setStats(outcome.stats())
                .setDeletedKeys(error == null ? outcome.deletedKeys() : List.of())
                .setMessage(error != null ? error.getMessage() : outcome.message())
                .setScheduledFor(request.getScheduledFor())
                .build());
        String message = completed.getMessage();
        error = completed.getError();
        String took = startedAt == null ? "-" : String.format("%.2f s", Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        if (status == JobStatus.SUCCEEDED) {
            log.info("[{}] run {} attempt {} SUCCEEDED in {}: {}", request.getJobName(), request.getRunId(), request.getAttempt(), took, message);
        } else {
            log.warn("[{}] run {} attempt {} {} in {}{}: {}", request.getJobName(), request.getRunId(), request.getAttempt(), status, took,
                    retryable ? " (retryable)" : "", error == null ? message : error.getType() + " " + error.getMessage());
        }
        return completed;
    }

    /** {@code SCHEDULED_FOR_OUT_OF_RANGE} as {@code scheduled-for-out-of-range}. */
    static String slug(String errorType) {
        return errorType.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    private void record(JobCompleted completed) {
        String job = jobTags.of(completed.getJobName());
        completedCounter(job, completed.getStatus()).increment();
        if (completed.getStartedAt() != null) {
            durationTimer(job, completed.getStatus()).record(Duration.between(completed.getStartedAt(), completed.getFinishedAt()));
        }
    }

    private Counter completedCounter(String job, JobStatus status) {
        return Counter.builder("offsite_jobs_completed").description("Finished runs by job and status")
                .tag("job", job).tag("status", status.name()).register(meters);
    }

    private Timer durationTimer(String job, JobStatus status) {
        return Timer.builder("offsite_job_duration").description("Duration of runs")
                .tag("job", job).tag("status", status.name()).register(meters);
    }

    /** Number of jobs running now. */
    public int running() {
        return running.get();
    }

    /**
     * Stops taking work: waits up to the shutdown grace for running jobs, then interrupts them. Their requests are
     * not acknowledged and go to another instance.
     */
    public void shutdown() {
        shuttingDown = true;
        executor.shutdown();
        try {
            if (!executor.awaitTermination(properties.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("stopping {} running job(s) after waiting {}; their requests go to another instance", running.get(), properties.shutdownGrace());
                executor.shutdownNow();
                executor.awaitTermination(properties.cleanupGrace().toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    public boolean isShuttingDown() {
        return shuttingDown;
    }
}
