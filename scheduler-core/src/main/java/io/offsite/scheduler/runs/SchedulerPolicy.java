package io.offsite.scheduler.runs;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the scheduling decisions.
 *
 * @param missedFireGrace how late a cron fire or dependency trigger may still run; older ones are skipped and reported
 * @param timeoutGrace    how long after a run's deadline the scheduler waits for its completion before declaring it TIMED_OUT
 * @param historyLimit    how many runs to keep in memory for the API, over all jobs (active runs are always kept)
 * @param identity        requestedBy of requests and worker of completions the scheduler publishes
 * @param runsPerJob      how many runs of one job to keep in memory for the API (active runs are always kept)
 */
public record SchedulerPolicy(Duration missedFireGrace, Duration timeoutGrace, int historyLimit, String identity,
        int runsPerJob) {

    /** Runs kept per job when not configured. */
    public static final int DEFAULT_RUNS_PER_JOB = 1_000;

    public SchedulerPolicy(Duration missedFireGrace, Duration timeoutGrace, int historyLimit, String identity) {
        this(missedFireGrace, timeoutGrace, historyLimit, identity, DEFAULT_RUNS_PER_JOB);
    }

    public SchedulerPolicy {
        Objects.requireNonNull(missedFireGrace, "missedFireGrace");
        Objects.requireNonNull(timeoutGrace, "timeoutGrace");
        Objects.requireNonNull(identity, "identity");
        if (missedFireGrace.isNegative() || timeoutGrace.isNegative()) {
            throw new IllegalArgumentException("grace periods must not be negative");
        }
        if (historyLimit < 1) {
            throw new IllegalArgumentException("historyLimit must be at least 1");
        }
        if (runsPerJob < 1) {
            throw new IllegalArgumentException("runsPerJob must be at least 1");
        }
    }
}
