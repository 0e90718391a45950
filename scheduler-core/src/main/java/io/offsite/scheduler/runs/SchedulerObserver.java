package io.offsite.scheduler.runs;

/** Hooks for metrics: called once per decision this instance executed (never while replaying). */
public interface SchedulerObserver {

    /** A cron fire came due (dispatched, skipped or missed). */
    default void fired(String job) {
    }

    default void dispatched(String job, String trigger) {
    }

    default void skipped(String job, String reason) {
    }

    default void retried(String job) {
    }

    default void timedOut(String job) {
    }

    default void missed(String job, int fires) {
    }
}
