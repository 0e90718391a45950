package io.offsite.rotation.config;

import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.retention.RetentionDuration;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The rotation worker's settings: the series it may rotate (requests name one; never a prefix) and their policies.
 * Every series' policy is built when the settings are bound, so a bad policy stops the worker at start-up.
 *
 * @param series the configured series; without any, the original's {@code pokemon-data} series
 * @param dryRun plan and report only, for every request (a request can ask for a dry run with {@code dryRun=true})
 */
@Validated
@ConfigurationProperties("offsite.rotation")
public record RotationProperties(List<@Valid Series> series, boolean dryRun) {

    public RotationProperties {
        series = series == null || series.isEmpty() ? List.of(Series.original()) : List.copyOf(series);
        Set<String> names = new HashSet<>();
        for (Series s : series) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("series '" + s.name() + "' is configured twice");
            }
        }
    }

    public Optional<Series> series(String name) {
        return series.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public List<String> seriesNames() {
        return series.stream().map(Series::name).toList();
    }

    /**
     * One series: the backups in one bucket folder and the policy that rotates them.
     *
     * @param name what requests call it ({@code series} parameter)
     * @param prefix the folder holding its backups, e.g. {@code backup-database/} (a trailing {@code /} is added)
     * @param semantics calendar (default, the original's) or restic
     * @param zone whose calendar defines days, weeks, months and years (default UTC)
     * @param keepLast keep the N newest backups (-1 unlimited, 0 off)
     * @param keepHourly one backup for each of the N most recent hours with backups
     * @param keepDaily likewise for days
     * @param keepWeekly likewise for weeks
     * @param keepMonthly likewise for months
     * @param keepYearly likewise for years
     * @param keepWithin keep every backup taken within this duration of the newest, e.g. {@code 30d} or {@code 1y6m}
     * @param minimum never keep fewer than this many backups
     */
    public record Series(
            @NotBlank String name,
            @NotBlank String prefix,
            Semantics semantics,
            ZoneId zone,
            @Min(-1) int keepLast,
            @Min(-1) int keepHourly,
            @Min(-1) int keepDaily,
            @Min(-1) int keepWeekly,
            @Min(-1) int keepMonthly,
            @Min(-1) int keepYearly,
            String keepWithin,
            @Min(0) int minimum) {

        public Series {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a rotation series needs a name");
            }
            if (prefix == null || prefix.isBlank() || prefix.equals("/")) {
                throw new IllegalArgumentException("series '" + name + "' needs a prefix (the folder of its backups)");
            }
            prefix = prefix.endsWith("/") ? prefix : prefix + "/";
            for (String reserved : RESERVED_FOLDERS) {
                if (prefix.startsWith(reserved)) {
                    throw new IllegalArgumentException("series '" + name + "': prefix " + prefix + " is inside " + reserved
                            + ", which holds the workers' own objects, never backups");
                }
            }
            semantics = semantics == null ? Semantics.CALENDAR : semantics;
            zone = zone == null ? ZoneOffset.UTC : zone;
            keepWithin = keepWithin == null || keepWithin.isBlank() ? null : keepWithin.trim();
            try {
                policy(semantics, zone, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin, minimum);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("series '" + name + "': " + e.getMessage(), e);
            }
        }

        /** Folders the backup worker keeps for itself: staged uploads and the claims that make a run id produce one backup. */
        static final List<String> RESERVED_FOLDERS = BackupKeys.INTERNAL_FOLDERS;

        /** The original's series: daily 7, weekly 4, monthly 3, at least 5, of {@code backup-database/}. */
        static Series original() {
            return new Series("pokemon-data", "backup-database/", Semantics.CALENDAR, ZoneOffset.UTC, 0, 0, 7, 4, 3, 0, null, 5);
        }

        public RetentionPolicy policy() {
            return policy(semantics, zone, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly, keepWithin, minimum);
        }

        private static RetentionPolicy policy(Semantics semantics, ZoneId zone, int keepLast, int keepHourly, int keepDaily,
                                              int keepWeekly, int keepMonthly, int keepYearly, String keepWithin, int minimum) {
            return new RetentionPolicy(semantics, zone, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly,
                    keepWithin == null ? RetentionDuration.ZERO : RetentionDuration.parse(keepWithin), minimum);
        }
    }
}
