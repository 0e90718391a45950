package io.offsite.scheduler.inventory;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.runs.Series;
import io.offsite.worker.artifact.BackupKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A backup series the scheduler keeps an inventory of, and the folder of the bucket that holds it.
 *
 * @param name   as jobs name it: a backup job's {@code source}, a verification's or rotation's {@code series}
 * @param prefix the folder listed, ending with {@code /}, e.g. {@code backup-database/}
 */
public record TrackedSeries(String name, String prefix) {

    public TrackedSeries {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * The series the catalog's BACKUP, VERIFY and ROTATION jobs name, in catalog order, each in the folder
     * {@code prefixes} gives it (by series name; default: the series name). Throws naming the setting when a folder
     * is empty, absolute, inside the workers' own folders or the folder of two series.
     */
    public static List<TrackedSeries> of(JobCatalog catalog, Map<String, String> prefixes) {
        Map<String, TrackedSeries> byName = new LinkedHashMap<>();
        for (JobDefinition job : catalog.all()) {
            String name;
            if (job.type() == JobType.BACKUP) {
                name = Series.ofBackup(job.name(), job.parameters());
            } else if (job.type() == JobType.VERIFY || job.type() == JobType.ROTATION) {
                name = Series.ofVerification(job.name(), job.parameters());
            } else {
                continue;
            }
            byName.computeIfAbsent(name, n -> new TrackedSeries(n, prefixOf(n, prefixes.getOrDefault(n, n))));
        }
        for (String configured : prefixes.keySet()) {
            if (!byName.containsKey(configured)) {
                throw new IllegalArgumentException("offsite.scheduler.inventory.prefixes." + configured
                        + ": no BACKUP, VERIFY or ROTATION job names the series '" + configured + "'; the series are " + byName.keySet());
            }
        }
        Map<String, String> seen = new LinkedHashMap<>();
        for (TrackedSeries series : byName.values()) {
            String other = seen.putIfAbsent(series.prefix(), series.name());
            if (other != null) {
                throw new IllegalArgumentException("offsite.scheduler.inventory.prefixes: series '" + other + "' and '"
                        + series.name() + "' are both in the folder " + series.prefix() + "; name one series per folder");
            }
        }
        return List.copyOf(new ArrayList<>(byName.values()));
    }

    private static String prefixOf(String series, String folder) {
        String prefix = BackupKeys.prefixOf(folder == null ? "" : folder.strip());
        if (prefix.isEmpty() || prefix.startsWith("/") || prefix.contains("//") || prefix.contains("..")
                || BackupKeys.isInternal(prefix)) {
            throw new IllegalArgumentException("offsite.scheduler.inventory.prefixes." + series + ": '" + folder
                    + "' is not a series folder: give the folder its backups are in, e.g. backup-database/ (not empty, no"
                    + " leading '/', no '..', not inside " + BackupKeys.STAGING_PREFIX + " or " + BackupKeys.RUNS_PREFIX + ")");
        }
        return prefix;
    }
}
