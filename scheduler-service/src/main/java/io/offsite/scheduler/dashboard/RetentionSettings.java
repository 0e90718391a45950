package io.offsite.scheduler.dashboard;

import io.offsite.worker.retention.RetentionDuration;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The retention policy the scheduler assumes for one series, to preview a rotation: a copy of the rotation worker's
 * {@code offsite.rotation.series} entry (same keys, same meaning; the shipped configuration reads the same environment
 * variables with the same defaults). The rotation worker's own settings decide what is deleted.
 *
 * @param semantics calendar (default) or restic
 * @param zone whose calendar defines days, weeks, months and years (default UTC)
 * @param keepLast keep the N newest backups (-1 unlimited, 0 off)
 * @param keepHourly one backup for each of the N most recent hours with backups
 * @param keepDaily likewise for days
 * @param keepWeekly likewise for weeks
 * @param keepMonthly likewise for months
 * @param keepYearly likewise for years
 * @param keepWithin keep every backup taken within this duration of the newest, e.g. {@code 30d}
 * @param minimum never keep fewer than this many backups
 */
public record RetentionSettings(Semantics semantics, ZoneId zone, int keepLast, int keepHourly, int keepDaily, int keepWeekly,
        int keepMonthly, int keepYearly, String keepWithin, int minimum) {

    public RetentionSettings {
        semantics = semantics == null ? Semantics.CALENDAR : semantics;
        zone = zone == null ? ZoneOffset.UTC : zone;
        keepWithin = keepWithin == null || keepWithin.isBlank() ? null : keepWithin.strip();
    }

    /** The policy; throws {@link IllegalArgumentException} saying what is wrong with the settings. */
    public RetentionPolicy policy() {
        return new RetentionPolicy(semantics, zone, keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly,
                keepWithin == null ? RetentionDuration.ZERO : RetentionDuration.parse(keepWithin), minimum);
    }
}
