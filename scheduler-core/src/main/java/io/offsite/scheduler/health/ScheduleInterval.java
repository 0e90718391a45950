package io.offsite.scheduler.health;

import io.offsite.scheduler.cron.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long a schedule normally leaves between two runs: the longest gap between consecutive fire
 * instants over the year following a given instant (at least two fires, at most {@value #MAX_FIRES}).
 * The longest rather than the first gap, so that a weekday schedule's weekend, a monthly schedule's
 * 31-day month and a daylight-saving day of 25 hours count as normal.
 */
public final class ScheduleInterval {

    static final int MAX_FIRES = 1_000;
    private static final Duration HORIZON = Duration.ofDays(366);

    private ScheduleInterval() {
    }

    /** The longest gap between consecutive fires after {@code from}; null when the schedule fires fewer than twice. */
    public static Duration longestGap(CronSchedule schedule, Instant from) {
        Objects.requireNonNull(schedule, "schedule");
        Instant first = schedule.next(from);
        if (first == null) {
            return null;
        }
        Instant end = first.plus(HORIZON);
        Duration longest = null;
        Instant previous = first;
        for (int fires = 1; fires < MAX_FIRES; fires++) {
            Instant next = schedule.next(previous);
            if (next == null) {
                break;
            }
            Duration gap = Duration.between(previous, next);
            if (longest == null || gap.compareTo(longest) > 0) {
                longest = gap;
            }
            if (next.isAfter(end)) {
                break;
            }
            previous = next;
        }
        return longest;
    }
}
