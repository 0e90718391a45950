package io.offsite.scheduler.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.v1.Trigger;
import io.offsite.scheduler.runs.SchedulerObserver;
import java.util.List;

/**
 * Counts the scheduler's decisions per job. Every counter of every configured job exists from the start at 0, so
 * dashboards and alerts (e.g. {@code increase(offsite_scheduler_timed_out_total[1h]) > 0}) work on a fresh system.
 */
class MicrometerSchedulerObserver implements SchedulerObserver {

    /** Triggers of the requests the scheduler itself publishes ({@code EXTERNAL} is other systems'). */
    static final List<String> DISPATCH_TRIGGERS = List.of(Trigger.SCHEDULE.name(), Trigger.MANUAL.name(),
            Trigger.DEPENDENCY.name(), Trigger.RETRY.name());
    /** Why a due fire is not dispatched. */
    static final List<String> SKIP_REASONS = List.of("already-running", "missed");

    private final MeterRegistry registry;

    MicrometerSchedulerObserver(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers every counter of {@code job} at 0 (counting starts from there; nothing is incremented). */
    void registerJob(String job) {
        registry.counter("offsite.scheduler.fires", "job", job);
        registry.counter("offsite.scheduler.retried", "job", job);
        registry.counter("offsite.scheduler.timed.out", "job", job);
        registry.counter("offsite.scheduler.missed", "job", job);
        DISPATCH_TRIGGERS.forEach(trigger -> registry.counter("offsite.scheduler.dispatched", "job", job, "trigger", trigger));
        SKIP_REASONS.forEach(reason -> registry.counter("offsite.scheduler.skipped", "job", job, "reason", reason));
    }

    @Override
    public void fired(String job) {
        registry.counter("offsite.scheduler.fires", "job", job).increment();
    }

    @Override
    public void dispatched(String job, String trigger) {
        registry.counter("offsite.scheduler.dispatched", "job", job, "trigger", trigger).increment();
    }

    @Override
    public void skipped(String job, String reason) {
        registry.counter("offsite.scheduler.skipped", "job", job, "reason", reason).increment();
    }

    @Override
    public void retried(String job) {
        registry.counter("offsite.scheduler.retried", "job", job).increment();
    }

    @Override
    public void timedOut(String job) {
        registry.counter("offsite.scheduler.timed.out", "job", job).increment();
    }

    @Override
    public void missed(String job, int fires) {
        registry.counter("offsite.scheduler.missed", "job", job).increment(fires);
    }
}
