package io.offsite.worker.retention;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * The count rules as data, one row per rule, in the order their reasons are recorded: the rule, its option and label,
 * the policy's count for it and its period in each {@link Semantics} (as restic's {@code snapshot_policy.go} keeps
 * one row per rule with its period function). Adding a count rule means adding a row here (and its record component
 * and builder method on {@link RetentionPolicy}).
 *
 * <p>A period is a number: two backups fall in the same period when their numbers are equal. Calendar periods are
 * ordered (a greater number is a later period); restic's are only compared for equality, as restic does. keep-last
 * gives each backup a period of its own, numbered from its position {@code nr} in the newest-first list.
 */
enum PeriodRule {
    /** restic: the position, as its {@code always}; calendar: the negated position, so a newer backup is greater. */
    LAST(Rule.LAST, "keep-last", "Last", RetentionPolicy::keepLast,
            (t, nr) -> nr,
            (t, nr) -> -nr),
    /** restic: YYYYMMDDHH; calendar: hours since the epoch. */
    HOURLY(Rule.HOURLY, "keep-hourly", "Hourly", RetentionPolicy::keepHourly,
            (t, nr) -> t.getYear() * 1_000_000L + t.getMonthValue() * 10_000L + t.getDayOfMonth() * 100L + t.getHour(),
            (t, nr) -> t.toLocalDate().toEpochDay() * 24 + t.getHour()),
    /** restic: YYYYMMDD; calendar: days since the epoch. */
    DAILY(Rule.DAILY, "keep-daily", "Daily", RetentionPolicy::keepDaily,
            (t, nr) -> t.getYear() * 10_000L + t.getMonthValue() * 100L + t.getDayOfMonth(),
            (t, nr) -> t.toLocalDate().toEpochDay()),
    /** restic: ISO week-based year × 100 + ISO week; calendar: the day of the Sunday starting the week. */
    WEEKLY(Rule.WEEKLY, "keep-weekly", "Weekly", RetentionPolicy::keepWeekly,
            (t, nr) -> t.toLocalDate().get(IsoFields.WEEK_BASED_YEAR) * 100L + t.toLocalDate().get(IsoFields.WEEK_OF_WEEK_BASED_YEAR),
            (t, nr) -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).toEpochDay()),
    /** restic: YYYYMM; calendar: months since year 0. */
    MONTHLY(Rule.MONTHLY, "keep-monthly", "Monthly", RetentionPolicy::keepMonthly,
            (t, nr) -> t.getYear() * 100L + t.getMonthValue(),
            (t, nr) -> t.getYear() * 12L + t.getMonthValue() - 1),
    /** Both: the year. */
    YEARLY(Rule.YEARLY, "keep-yearly", "Yearly", RetentionPolicy::keepYearly,
            (t, nr) -> t.getYear(),
            (t, nr) -> t.getYear());

    /** The period of the backup at {@code nr} in the newest-first list, whose local time is {@code t}. */
    @FunctionalInterface
    private interface Period {
        long of(LocalDateTime t, int nr);
    }

    final Rule rule;
    /** The option's name in configuration and error messages, e.g. {@code keep-daily}. */
    final String option;
    /** The name in {@link RetentionPolicy#describe()}, e.g. {@code Daily}. */
    final String label;
    private final ToIntFunction<RetentionPolicy> count;
    private final Period restic;
    private final Period calendar;

    PeriodRule(Rule rule, String option, String label, ToIntFunction<RetentionPolicy> count, Period restic, Period calendar) {
        this.rule = rule;
        this.option = option;
        this.label = label;
        this.count = count;
        this.restic = restic;
        this.calendar = calendar;
    }

    /** The policy's count for this rule: {@link RetentionPolicy#UNLIMITED}, 0 for off, or N. */
    int count(RetentionPolicy policy) {
        return count.applyAsInt(policy);
    }

    /**
     * Adds this rule's reason to the backups it keeps with {@code count} ({@link RetentionPolicy#UNLIMITED}, 0 for
     * off, or N), as {@code semantics} says.
     *
     * @param local the backups' local times, newest first
     * @param reasons each backup's reasons, in the same order
     */
    void keep(Semantics semantics, int count, LocalDateTime[] local, List<List<Reason>> reasons) {
        if (count != 0) {
            switch (semantics) {
                case RESTIC -> keepRestic(count, local, reasons);
                case CALENDAR -> keepCalendar(count, local, reasons);
            }
        }
    }

    /**
     * restic's walk, newest first: while the rule has count left, it keeps a backup whose period differs from the
     * period of the backup it kept last, and the oldest backup as well.
     */
    private void keepRestic(int count, LocalDateTime[] local, List<List<Reason>> reasons) {
        int left = count;
        long lastKey = -1;
        for (int nr = 0; nr < local.length && left != 0; nr++) {
            long key = restic.of(local[nr], nr);
            if (key != lastKey || nr == local.length - 1) {
                reasons.get(nr).add(key == lastKey ? Reason.oldest(rule) : Reason.of(rule));
                lastKey = key;
                if (left > 0) {
                    left--;
                }
            }
        }
    }

    /**
     * The original's rules: the first (oldest) backup of each period represents it; the {@code count} most recent
     * periods are kept. Periods are not monotonic in the list (a clock set back at the end of daylight saving time),
     * so the walk keeps the greatest periods it has seen, at most {@code count} of them: a period that drops out never
     * returns, since the least period kept only grows.
     */
    private void keepCalendar(int count, LocalDateTime[] local, List<List<Reason>> reasons) {
        TreeMap<Long, Integer> oldestOfPeriod = new TreeMap<>();
        // newest first: a later backup of a period is an older one, so it takes the period's place
        for (int i = 0; i < local.length; i++) {
            long key = calendar.of(local[i], i);
            if (count == RetentionPolicy.UNLIMITED || oldestOfPeriod.size() < count || key >= oldestOfPeriod.firstKey()) {
                oldestOfPeriod.put(key, i);
                if (count != RetentionPolicy.UNLIMITED && oldestOfPeriod.size() > count) {
                    oldestOfPeriod.pollFirstEntry();
                }
            }
        }
        for (int index : oldestOfPeriod.values()) {
            reasons.get(index).add(Reason.of(rule));
        }
    }
}
