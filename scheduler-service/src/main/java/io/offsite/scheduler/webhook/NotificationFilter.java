package io.offsite.scheduler.webhook;

import io.offsite.events.v1.JobCompleted;
import io.offsite.scheduler.config.SchedulerProperties.Webhook.Notify;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.util.Optional;

/**
 * Which completions are notified: final outcomes of our configured jobs. An attempt that failed and will
 * be retried is not final (its retry's outcome is notified); SKIPPED runs did nothing and are not notified
 * (missed fires show in the backup health and in {@code offsite_scheduler_missed_total}).
 */
final class NotificationFilter {

    private final JobCatalog catalog;
    private final Notify notify;

    NotificationFilter(JobCatalog catalog, Notify notify) {
        this.catalog = catalog;
        this.notify = notify;
    }

    boolean accepts(JobCompleted completion) {
        Optional<JobDefinition> job = catalog.find(completion.getJobName());
        if (job.isEmpty()) {
            return false;
        }
        return switch (completion.getStatus()) {
            case SUCCEEDED -> notify == Notify.ALL;
            case SKIPPED -> false;
            case PARTIALLY_FAILED, REJECTED -> true;
            case FAILED, TIMED_OUT -> !(completion.getRetryable() && completion.getAttempt() < job.get().maxAttempts());
        };
    }
}
