package io.offsite.scheduler.health;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.jobs.InvalidJobDefinitionException;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.Series;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health checks of a catalog: one per BACKUP and VERIFY job that has a cron schedule or a configured
 * maximum age, judged against the inventory of the bucket (the newest backup, or verification, of the job's
 * series). Without a configured one, the maximum age is twice the schedule's interval (its longest gap
 * between consecutive fires); a job with neither is not checked.
 *
 * <p>Verification jobs are tied to backup jobs by series: a VERIFY job checks the series named by its
 * {@code series} parameter, a BACKUP job writes the series named by its {@code source} parameter.
 *
 * @param checks    in catalog order
 * @param unchecked BACKUP and VERIFY jobs without cron and without a maximum age
 */
public record BackupChecks(List<BackupCheck> checks, List<String> unchecked) {

    /** The default maximum age in schedule intervals. */
    public static final int INTERVALS = 2;

    public BackupChecks {
        checks = List.copyOf(checks);
        unchecked = List.copyOf(unchecked);
    }

    /**
     * Builds the checks; {@code maxAges} holds configured maximum ages by job name. Schedule intervals are
     * measured from {@code now}. Throws naming the job and field when a maximum age is not positive or is
     * set on a job that is not checked (unknown, or neither BACKUP nor VERIFY).
     */
    public static BackupChecks of(JobCatalog catalog, Map<String, Duration> maxAges, Instant now) {
        Objects.requireNonNull(catalog, "catalog");
        for (Map.Entry<String, Duration> entry : maxAges.entrySet()) {
            JobDefinition job = catalog.find(entry.getKey()).orElseThrow(() -> new InvalidJobDefinitionException(
                    entry.getKey(), "max-age", "set for a job that is not defined"));
            if (!checked(job.type())) {
                throw new InvalidJobDefinitionException(job.name(), "max-age",
                        "applies to BACKUP and VERIFY jobs only, this one is " + job.type());
            }
            Duration maxAge = entry.getValue();
            if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
                throw new InvalidJobDefinitionException(job.name(), "max-age", "must be positive, was " + maxAge);
            }
        }
        List<BackupCheck> checks = new ArrayList<>();
        List<String> unchecked = new ArrayList<>();
        for (JobDefinition job : catalog.all()) {
            if (!checked(job.type())) {
                continue;
            }
            Duration interval = job.schedule() == null ? null : ScheduleInterval.longestGap(job.schedule(), now);
            Duration configured = maxAges.get(job.name());
            if (configured == null && interval == null) {
                unchecked.add(job.name());
                continue;
            }
            Duration maxAge = configured != null ? configured : interval.multipliedBy(INTERVALS);
            String origin = configured != null ? "configured"
                    : INTERVALS + " x schedule interval " + interval + " of '" + job.schedule().expression() + "'";
            checks.add(new BackupCheck(job.name(), job.type(), seriesOf(job), maxAge, origin,
                    interval != null ? interval : maxAge, verifiersOf(catalog, job)));
        }
        return new BackupChecks(checks, unchecked);
    }

    private static boolean checked(JobType type) {
        return type == JobType.BACKUP || type == JobType.VERIFY;
    }

    static String seriesOf(JobDefinition job) {
        return job.type() == JobType.VERIFY ? Series.ofVerification(job.name(), job.parameters())
                : Series.ofBackup(job.name(), job.parameters());
    }

    private static List<String> verifiersOf(JobCatalog catalog, JobDefinition backup) {
        if (backup.type() != JobType.BACKUP) {
            return List.of();
        }
        String series = seriesOf(backup);
        return catalog.all().stream()
                .filter(job -> job.type() == JobType.VERIFY && seriesOf(job).equals(series))
                .map(JobDefinition::name)
                .toList();
    }
}
