package io.offsite.worker.job;

import io.offsite.events.v1.JobRequested;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One run as a handler sees it: the request, the clock, and a log that speaks in the job's name. */
public final class JobContext {

    private static final Logger log = LoggerFactory.getLogger("io.offsite.job");

    private final JobRequested request;
    private final Clock clock;
    private final String worker;
    private final Instant deadline;

    /** A context whose deadline is the request's own. */
    public JobContext(JobRequested request, Clock clock, String worker) {
        this(request, clock, worker, request.getDeadline());
    }

    /** A context held to {@code deadline}: the request's deadline as the worker caps it ({@code null}: none). */
    public JobContext(JobRequested request, Clock clock, String worker, Instant deadline) {
        this.request = request;
        this.clock = clock;
        this.worker = worker;
        this.deadline = deadline;
    }

    public JobRequested request() {
        return request;
    }

    public String runId() {
        return request.getRunId();
    }

    public String jobName() {
        return request.getJobName();
    }

    public int attempt() {
        return request.getAttempt();
    }

    public Instant scheduledFor() {
        return request.getScheduledFor();
    }

    /** The deadline the worker enforces: the request's, or earlier when the worker caps it (max-run-time, default timeout). */
    public Optional<Instant> deadline() {
        return Optional.ofNullable(deadline);
    }

    public Clock clock() {
        return clock;
    }

    /** Identity of this worker instance, e.g. {@code backup-worker@host:1234}. */
    public String worker() {
        return worker;
    }

    public Map<String, String> parameters() {
        return request.getParameters();
    }

    public Optional<String> parameter(String name) {
        return Optional.ofNullable(request.getParameters().get(name)).filter(v -> !v.isBlank());
    }

    /** A parameter the job cannot run without; its absence rejects the request. */
    public String requireParameter(String name) {
        return parameter(name).orElseThrow(() -> new JobRejectedException("MISSING_PARAMETER",
                "request " + runId() + " has no '" + name + "' parameter"));
    }

    public boolean flag(String name, boolean defaultValue) {
        return parameter(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new JobRejectedException("INVALID_PARAMETER", "parameter '" + name + "' must be true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    /** Time left before the deadline, or empty when there is none. */
    public Optional<Duration> remaining() {
        return deadline().map(d -> Duration.between(clock.instant(), d));
    }

    /** Logs one line as the original printed them: {@code [job-name] message}. */
    public void info(String format, Object... args) {
        if (log.isInfoEnabled()) {
            log.info("[" + jobName() + "] " + format, args);
        }
    }

    public void warn(String format, Object... args) {
        log.warn("[" + jobName() + "] " + format, args);
    }

    /** Throws {@link InterruptedException} when the run has been cancelled (deadline reached, shutdown). */
    public void checkCancelled() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("run " + runId() + " was cancelled");
        }
    }
}
