package io.offsite.scheduler.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.scheduler.runs.SchedulerObserver;

/** Counts the scheduler's decisions per job. */
class MicrometerSchedulerObserver implements SchedulerObserver {

    private final MeterRegistry registry;

    MicrometerSchedulerObserver(MeterRegistry registry) {
        this.registry = registry;
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
