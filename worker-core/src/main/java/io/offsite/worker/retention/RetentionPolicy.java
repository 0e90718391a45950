package io.offsite.worker.retention;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which backups to keep: a pure function from a list of backups to a {@link RetentionPlan}.
 *
 * <p>Rules, each a count where {@value #UNLIMITED} means unlimited and 0 means off:
 * <ul>
 *   <li>keep-last N: the N newest backups;</li>
 *   <li>hourly, daily, weekly, monthly, yearly N: one backup for each of the N most recent periods that have
 *       backups, picked as {@link Semantics} says;</li>
 *   <li>keep-within D: every backup taken less than D before the newest backup (not before now);</li>
 *   <li>minimum N: a floor — when the rules keep fewer than N backups, the newest others are kept until N are.</li>
 * </ul>
 * A backup kept by several rules records each. The newest backup is always kept, and so is the newest backup a
 * verification proved restorable, whatever the rules say. When the planning instant is known, a backup dated after it
 * by more than {@link #FUTURE_SKEW} (a producer with a wrong clock, a forged request) is kept with the single reason
 * {@link Rule#FUTURE_DATED} and left out of every rule: it fills no hourly/daily/weekly/monthly/yearly, last,
 * within or minimum slot and is not "the newest", so it never displaces a real backup. Periods are read on the local
 * calendar of {@link #zone()}. A policy without any rule is refused: it would delete everything.
 *
 * @param semantics how periods pick their backup
 * @param zone the zone whose calendar defines hours, days, weeks, months and years
 * @param keepLast keep the N newest backups
 * @param keepHourly keep one backup for each of the N most recent hours with backups
 * @param keepDaily likewise for days
 * @param keepWeekly likewise for weeks (Sunday to Saturday in calendar semantics, ISO weeks in restic's)
 * @param keepMonthly likewise for months
 * @param keepYearly likewise for years
 * @param keepWithin keep every backup taken within this duration before the newest one; {@link RetentionDuration#ZERO} is off
 * @param minimum never keep fewer than this many backups (fewer only when fewer exist)
 */
public record RetentionPolicy(
        Semantics semantics,
        ZoneId zone,
        int keepLast,
        int keepHourly,
        int keepDaily,
        int keepWeekly,
        int keepMonthly,
        int keepYearly,
        RetentionDuration keepWithin,
        int minimum) {

    public static final int UNLIMITED = -1;

    /**
     * How far after the planning instant a backup may be dated and still count as real: clocks of producers drift a
     * little, and the workers accept requests scheduled up to this far ahead.
     */
    public static final Duration FUTURE_SKEW = Duration.ofMinutes(5);

    /** Newest first; equal instants ordered by id, so the order never depends on the input's. */
    static final Comparator<Backup> NEWEST_FIRST = Comparator.comparing(Backup::time).thenComparing(Backup::id).reversed();

    private static final Rule[] PERIOD_RULES = {Rule.HOURLY, Rule.DAILY, Rule.WEEKLY, Rule.MONTHLY, Rule.YEARLY};

    public RetentionPolicy {
        Objects.requireNonNull(semantics, "semantics");
        zone = Objects.requireNonNull(zone, "zone").normalized();
        keepWithin = keepWithin == null ? RetentionDuration.ZERO : keepWithin;
        for (Map.Entry<String, Integer> count : Map.of("keep-last", keepLast, "keep-hourly", keepHourly, "keep-daily", keepDaily,
                "keep-weekly", keepWeekly, "keep-monthly", keepMonthly, "keep-yearly", keepYearly).entrySet()) {
            if (count.getValue() < UNLIMITED) {
                throw new IllegalArgumentException(count.getKey() + " must be a count, or -1 for unlimited, not " + count.getValue());
            }
        }
        if (minimum < 0) {
            throw new IllegalArgumentException("minimum must not be negative, not " + minimum);
        }
        if (keepLast == 0 && keepHourly == 0 && keepDaily == 0 && keepWeekly == 0 && keepMonthly == 0 && keepYearly == 0
                && keepWithin.isZero()) {
            throw new IllegalArgumentException("empty retention policy: it would delete every backup but the newest; "
                    + "set at least one of keep-last, keep-hourly, keep-daily, keep-weekly, keep-monthly, keep-yearly or keep-within");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The original's default: daily 7, weekly 4, monthly 3, never fewer than 5, calendar semantics in UTC. */
    public static RetentionPolicy originalDefault() {
        return builder().daily(7).weekly(4).monthly(3).minimum(5).build();
    }

    /** Plans without a planning instant: every backup counts as real, keep-within is measured from the newest. */
    public RetentionPlan apply(Collection<Backup> backups) {
        return apply(backups, null);
    }

    /**
     * Plans at {@code now}, the instant the backups were listed: keep-within is measured from the newest backup taken
     * before {@code now}, as restic does, and backups dated after {@code now} + {@link #FUTURE_SKEW} are
     * {@linkplain Rule#FUTURE_DATED future-dated}: kept, and out of every rule.
     *
     * @param now the current instant, or {@code null} to take every backup as real and measure keep-within from the
     *            newest backup whatever its time
     * @throws IllegalArgumentException when two backups share an id
     */
    public RetentionPlan apply(Collection<Backup> backups, Instant now) {
        List<Backup> list = new ArrayList<>(backups);
        list.sort(NEWEST_FIRST);
        Set<String> ids = new HashSet<>();
        for (Backup b : list) {
            if (!ids.add(b.id())) {
                throw new IllegalArgumentException("backup '" + b.id() + "' is listed twice");
            }
        }
        // newest first, so every future-dated backup comes before every real one
        int future = 0;
        while (future < list.size() && isFutureDated(list.get(future).time(), now)) {
            future++;
        }
        List<Decision> decisions = new ArrayList<>(list.size());
        for (Backup b : list.subList(0, future)) {
            decisions.add(new Decision(b, List.of(Reason.of(Rule.FUTURE_DATED))));
        }
        List<Backup> real = list.subList(future, list.size());
        List<List<Reason>> reasons = plan(real, now);
        for (int i = 0; i < real.size(); i++) {
            decisions.add(new Decision(real.get(i), reasons.get(i)));
        }
        return new RetentionPlan(this, decisions);
    }

    /** Whether a backup dated {@code time} lies beyond {@code now} + {@link #FUTURE_SKEW}; never when {@code now} is null. */
    public static boolean isFutureDated(Instant time, Instant now) {
        return now != null && time.isAfter(now.plus(FUTURE_SKEW));
    }

    /** The reasons that keep each of {@code list} (newest first, none future-dated), in the same order. */
    private List<List<Reason>> plan(List<Backup> list, Instant now) {
        int n = list.size();
        List<List<Reason>> reasons = new ArrayList<>(n);
        LocalDateTime[] local = new LocalDateTime[n];
        for (int i = 0; i < n; i++) {
            reasons.add(new ArrayList<>(2));
            local[i] = LocalDateTime.ofInstant(list.get(i).time(), zone);
        }
        if (n > 0) {
            keepWithin(list, reasons, now);
            if (semantics == Semantics.RESTIC) {
                keepRestic(local, reasons);
            } else {
                keepCalendar(local, reasons);
            }
            if (reasons.get(0).isEmpty()) {
                reasons.get(0).add(Reason.of(Rule.NEWEST));
            }
            for (int i = 0; i < n; i++) {
                if (list.get(i).verified()) {
                    reasons.get(i).add(Reason.of(Rule.NEWEST_VERIFIED));
                    break;
                }
            }
            long kept = reasons.stream().filter(r -> !r.isEmpty()).count();
            for (int i = 0; i < n && kept < minimum; i++) {
                if (reasons.get(i).isEmpty()) {
                    reasons.get(i).add(Reason.of(Rule.MINIMUM));
                    kept++;
                }
            }
        }
        return reasons;
    }

    private void keepWithin(List<Backup> newestFirst, List<List<Reason>> reasons, Instant now) {
        if (keepWithin.isZero()) {
            return;
        }
        Instant reference = null;
        for (Backup b : newestFirst) {
            if (now == null || b.time().isBefore(now)) {
                reference = b.time();
                break;
            }
        }
        // no backup before now: restic measures from the zero time, so every backup is within
        Instant cutoff = reference == null ? null : keepWithin.cutoff(reference, zone);
        for (int i = 0; i < newestFirst.size(); i++) {
            if (cutoff == null || newestFirst.get(i).time().isAfter(cutoff)) {
                reasons.get(i).add(Reason.of(Rule.WITHIN));
            }
        }
    }

    /**
     * restic's walk, newest first: a rule with count left keeps a backup whose period differs from the period of the
     * backup it kept last, and keeps the oldest backup as well while it has count left.
     */
    private void keepRestic(LocalDateTime[] local, List<List<Reason>> reasons) {
        int n = local.length;
        Rule[] rules = {Rule.LAST, Rule.HOURLY, Rule.DAILY, Rule.WEEKLY, Rule.MONTHLY, Rule.YEARLY};
        int[] left = {keepLast, keepHourly, keepDaily, keepWeekly, keepMonthly, keepYearly};
        long[] lastKey = {-1, -1, -1, -1, -1, -1};
        for (int nr = 0; nr < n; nr++) {
            for (int r = 0; r < rules.length; r++) {
                if (left[r] == 0) {
                    continue;
                }
                long key = rules[r] == Rule.LAST ? nr : resticPeriod(rules[r], local[nr]);
                boolean oldest = nr == n - 1;
                if (key != lastKey[r] || oldest) {
                    reasons.get(nr).add(key == lastKey[r] ? Reason.oldest(rules[r]) : Reason.of(rules[r]));
                    lastKey[r] = key;
                    if (left[r] > 0) {
                        left[r]--;
                    }
                }
            }
        }
    }

    /** The original's rules: the first backup of each period represents it; the most recent periods are kept. */
    private void keepCalendar(LocalDateTime[] local, List<List<Reason>> reasons) {
        int n = local.length;
        int last = keepLast == UNLIMITED ? n : Math.min(keepLast, n);
        for (int i = 0; i < last; i++) {
            reasons.get(i).add(Reason.of(Rule.LAST));
        }
        for (Rule rule : PERIOD_RULES) {
            int count = count(rule);
            if (count == 0) {
                continue;
            }
            TreeMap<Long, Integer> firstOfPeriod = new TreeMap<>();
            for (int i = n - 1; i >= 0; i--) {
                firstOfPeriod.putIfAbsent(calendarPeriod(rule, local[i]), i);
            }
            int taken = 0;
            for (int index : firstOfPeriod.descendingMap().values()) {
                if (count != UNLIMITED && taken == count) {
                    break;
                }
                reasons.get(index).add(Reason.of(rule));
                taken++;
            }
        }
    }

    private int count(Rule rule) {
        return switch (rule) {
            case LAST -> keepLast;
            case HOURLY -> keepHourly;
            case DAILY -> keepDaily;
            case WEEKLY -> keepWeekly;
            case MONTHLY -> keepMonthly;
            case YEARLY -> keepYearly;
            default -> 0;
        };
    }

    /** restic's period numbers: YYYYMMDDHH, YYYYMMDD, ISO week-based year × 100 + ISO week, YYYYMM, YYYY. */
    private static long resticPeriod(Rule rule, LocalDateTime t) {
        return switch (rule) {
            case HOURLY -> t.getYear() * 1_000_000L + t.getMonthValue() * 10_000L + t.getDayOfMonth() * 100L + t.getHour();
            case DAILY -> t.getYear() * 10_000L + t.getMonthValue() * 100L + t.getDayOfMonth();
            case WEEKLY -> t.toLocalDate().get(IsoFields.WEEK_BASED_YEAR) * 100L + t.toLocalDate().get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
            case MONTHLY -> t.getYear() * 100L + t.getMonthValue();
            case YEARLY -> t.getYear();
            default -> throw new IllegalArgumentException(rule + " has no period");
        };
    }

    /** Calendar periods as ordered numbers: hours and days since the epoch, the Sunday starting the week, months, years. */
    private static long calendarPeriod(Rule rule, LocalDateTime t) {
        return switch (rule) {
            case HOURLY -> t.toLocalDate().toEpochDay() * 24 + t.getHour();
            case DAILY -> t.toLocalDate().toEpochDay();
            case WEEKLY -> t.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.SUNDAY)).toEpochDay();
            case MONTHLY -> t.getYear() * 12L + t.getMonthValue() - 1;
            case YEARLY -> t.getYear();
            default -> throw new IllegalArgumentException(rule + " has no period");
        };
    }

    /** The rules in the original's words: {@code Daily: 7, Weekly: 4, Monthly: 3, Min: 5}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        addCount(parts, "Last", keepLast);
        addCount(parts, "Hourly", keepHourly);
        addCount(parts, "Daily", keepDaily);
        addCount(parts, "Weekly", keepWeekly);
        addCount(parts, "Monthly", keepMonthly);
        addCount(parts, "Yearly", keepYearly);
        if (!keepWithin.isZero()) {
            parts.add("Within: " + keepWithin);
        }
        if (minimum > 0) {
            parts.add("Min: " + minimum);
        }
        return String.join(", ", parts);
    }

    private static void addCount(List<String> parts, String name, int count) {
        if (count != 0) {
            parts.add(name + ": " + (count == UNLIMITED ? "unlimited" : Integer.toString(count)));
        }
    }

    /** Builds a policy; every rule starts off, the zone is UTC and the semantics calendar. */
    public static final class Builder {
        private Semantics semantics = Semantics.CALENDAR;
        private ZoneId zone = ZoneOffset.UTC;
        private int last;
        private int hourly;
        private int daily;
        private int weekly;
        private int monthly;
        private int yearly;
        private RetentionDuration within = RetentionDuration.ZERO;
        private int minimum;

        private Builder() {
        }

        public Builder semantics(Semantics value) {
            this.semantics = value;
            return this;
        }

        public Builder zone(ZoneId value) {
            this.zone = value;
            return this;
        }

        public Builder last(int value) {
            this.last = value;
            return this;
        }

        public Builder hourly(int value) {
            this.hourly = value;
            return this;
        }

        public Builder daily(int value) {
            this.daily = value;
            return this;
        }

        public Builder weekly(int value) {
            this.weekly = value;
            return this;
        }

        public Builder monthly(int value) {
            this.monthly = value;
            return this;
        }

        public Builder yearly(int value) {
            this.yearly = value;
            return this;
        }

        public Builder within(RetentionDuration value) {
            this.within = value;
            return this;
        }

        public Builder minimum(int value) {
            this.minimum = value;
            return this;
        }

        public RetentionPolicy build() {
            return new RetentionPolicy(semantics, zone, last, hourly, daily, weekly, monthly, yearly, within, minimum);
        }
    }
}
