package io.offsite.worker.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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

    public RetentionPolicy(Semantics semantics, ZoneId zone, int keepLast, int keepHourly, int keepDaily, int keepWeekly,
            int keepMonthly, int keepYearly, RetentionDuration keepWithin, int minimum) {
        this.semantics = Objects.requireNonNull(semantics, "semantics");
        this.zone = Objects.requireNonNull(zone, "zone").normalized();
        this.keepLast = keepLast;
        this.keepHourly = keepHourly;
        this.keepDaily = keepDaily;
        this.keepWeekly = keepWeekly;
        this.keepMonthly = keepMonthly;
        this.keepYearly = keepYearly;
        this.keepWithin = keepWithin == null ? RetentionDuration.ZERO : keepWithin;
        this.minimum = minimum;
        // every field is set: the table's count accessors read them
        boolean empty = this.keepWithin.isZero();
        for (PeriodRule row : PeriodRule.values()) {
            int count = row.count(this);
            if (count < UNLIMITED) {
                throw new IllegalArgumentException(row.option + " must be a count, or -1 for unlimited, not " + count);
            }
            empty &= count == 0;
        }
        if (minimum < 0) {
            throw new IllegalArgumentException("minimum must not be negative, not " + minimum);
        }
        if (empty) {
            throw new IllegalArgumentException("empty retention policy: it would delete every backup but the newest; set at least one of "
                    + Arrays.stream(PeriodRule.values()).map(row -> row.option).collect(Collectors.joining(", ")) + " or keep-within");
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
            for (PeriodRule row : PeriodRule.values()) {
                row.keep(semantics, row.count(this), local, reasons);
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

    /** The rules in the original's words: {@code Daily: 7, Weekly: 4, Monthly: 3, Min: 5}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (PeriodRule row : PeriodRule.values()) {
            int count = row.count(this);
            if (count != 0) {
                parts.add(row.label + ": " + (count == UNLIMITED ? "unlimited" : Integer.toString(count)));
            }
        }
        if (!keepWithin.isZero()) {
            parts.add("Within: " + keepWithin);
        }
        if (minimum > 0) {
            parts.add("Min: " + minimum);
        }
        return String.join(", ", parts);
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
