package io.offsite.scheduler.kafka;

import io.offsite.scheduler.health.BackupCheck;
import io.offsite.scheduler.health.BackupChecks;
import io.offsite.scheduler.health.ScheduleInterval;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How long the scheduler's topics must keep records for a restarted scheduler to know what it knew: the last run
 * of every job ({@link BackupChecks#INTERVALS} times its schedule's longest gap) and, for health, every backup
 * and verification up to its maximum age. Requests count as much as completions: a completion is concluded only
 * together with its request.
 *
 * @param minimum the longest of these
 * @param job     the job that needs it
 * @param why     how it was derived, for the warning
 */
record EventLogRetention(Duration minimum, String job, String why) {

    static Optional<EventLogRetention> needed(JobCatalog catalog, BackupChecks checks, Instant now) {
        EventLogRetention longest = null;
        for (JobDefinition job : catalog.all()) {
            if (job.schedule() == null || !job.enabled()) {
                continue;
            }
            Duration gap = ScheduleInterval.longestGap(job.schedule(), now);
            if (gap != null) {
                longest = longer(longest, new EventLogRetention(gap.multipliedBy(BackupChecks.INTERVALS), job.name(),
                        BackupChecks.INTERVALS + " x the longest gap of '" + job.schedule().expression() + "'"));
            }
        }
        for (BackupCheck check : checks.checks()) {
            longest = longer(longest, new EventLogRetention(check.maxAge(), check.job(), "its max-age"));
        }
        return Optional.ofNullable(longest);
    }

    private static EventLogRetention longer(EventLogRetention a, EventLogRetention b) {
        return a == null || b.minimum().compareTo(a.minimum()) > 0 ? b : a;
    }

    /** The reason shown in a warning. */
    String reason() {
        return "the scheduler rebuilds its state from it; job " + job + " needs " + why;
    }
}
