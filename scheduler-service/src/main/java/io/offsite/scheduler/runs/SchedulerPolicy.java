package io.offsite.scheduler.runs;

import java.time.Duration;
import java.util.Objects;

/**
 * Tunables of the scheduling decisions.
 *
 * @param missedFireGrace how late a cron fire or dependency trigger may still run; older ones are skipped and reported
 * @param timeoutGrace    how long after a run's deadline the scheduler waits for its completion before declaring it TIMED_OUT
 * @param historyLimit    how many finished runs to keep in memory for the API
 * @param identity        requestedBy of requests and worker of completions the scheduler publishes
 */
public record SchedulerPolicy(Duration missedFireGrace, Duration timeoutGrace, int historyLimit, String identity) {

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
    }
}
