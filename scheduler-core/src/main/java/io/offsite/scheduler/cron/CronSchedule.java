package io.offsite.scheduler.cron;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Year;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A crontab schedule in a time zone: five fields as crontab writes them ({@code minute hour
 * day-of-month month day-of-week}), an optional leading seconds field, or a macro such as
 * {@code @daily}.
 *
 * <p>Wall-clock semantics across daylight-saving changes, as classic cron does it:
 * <ul>
 *   <li>a local time that does not exist (the clock jumps forward over it) fires once, at the
 *       instant the gap ends; several skipped times collapse into that one fire;</li>
 *   <li>a local time that occurs twice (the clock falls back) fires once, at its first occurrence,
 *       unless the hour field is {@code *}: such frequent schedules follow elapsed time and fire in
 *       both passes.</li>
 * </ul>
 * Day-of-month and day-of-week combine as in crontab: when both are restricted a day matching
 * either fires; when either is {@code *} (or {@code ?}, or a step over {@code *} such as
 * {@code *}{@code /7}) a day must match both.
 *
 * <p>There is no search horizon: dates and weekdays repeat every 400 years, so {@link #parse} rejects
 * an expression that no date of one 400-year cycle fits (February 30th, April 31st) and
 * {@link #next(Instant)} of any accepted one always finds its next fire, skipping months and days
 * that cannot match rather than walking through them. Instances are immutable; {@link #next(Instant)}
 * is a pure function.
 */
public final class CronSchedule {

    private static final Map<String, String> MACROS = Map.of(
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *",
            "@weekly", "0 0 * * 0",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final List<String> MONTHS =
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
    /** The Gregorian calendar repeats its dates and weekdays every 400 years, which are this many days. */
    private static final int CYCLE_YEARS = 400;
    private static final long CYCLE_DAYS = 146_097;
    private static final LocalDate CYCLE_START = LocalDate.of(2000, 1, 1);

    private final String expression;
    private final ZoneId zone;
    private final CronField seconds;
    private final CronField minutes;
    private final CronField hours;
    private final CronField daysOfMonth;
    private final CronField months;
    private final CronField daysOfWeek;
    /** Both day fields restricted: a day matching either fires (crontab); otherwise a day must match both. */
    private final boolean dayOfMonthOrWeek;
    private final LocalTime firstTime;

    private CronSchedule(String expression, ZoneId zone, String[] f) {
        this.expression = expression;
        this.zone = zone;
        this.seconds = CronField.parse("second", f[0], 0, 59, null);
        this.minutes = CronField.parse("minute", f[1], 0, 59, null);
        this.hours = CronField.parse("hour", f[2], 0, 23, null);
        this.daysOfMonth = CronField.parse("day-of-month", f[3], 1, 31, null);
        this.months = CronField.parse("month", f[4], 1, 12, MONTHS);
        this.daysOfWeek = CronField.parse("day-of-week", f[5], 0, 7, DAYS).foldSunday();
        this.dayOfMonthOrWeek = !daysOfMonth.unrestricted() && !daysOfWeek.unrestricted();
        this.firstTime = nextTime(0, 0, 0);
    }

    /** Parses {@code expression} for {@code zone}; throws {@link InvalidCronException} naming the bad field. */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        if (expression == null || expression.isBlank()) {
            throw new InvalidCronException("cron expression is empty");
        }
        String text = expression.trim();
        if (text.startsWith("@")) {
            String macro = MACROS.get(text.toLowerCase(Locale.ROOT));
            if (macro == null) {
                throw new InvalidCronException("unknown macro '" + text + "', expected one of " + MACROS.keySet());
            }
            text = macro;
        }
        String[] parts = text.split("\\s+");
        String[] fields;
        if (parts.length == 5) {
            fields = new String[] {"0", parts[0], parts[1], parts[2], parts[3], parts[4]};
        } else if (parts.length == 6) {
            fields = parts;
        } else {
            throw new InvalidCronException("'" + expression + "' has " + parts.length
                    + " fields, expected 5 (minute hour day-of-month month day-of-week) or 6 (with leading seconds)");
        }
        CronSchedule schedule = new CronSchedule(expression.trim(), zone, fields);
        // every field allows some value, so every matching day has a fire; one full cycle decides whether any day matches
        if (schedule.nextDay(CYCLE_START, CYCLE_START.plusYears(CYCLE_YEARS)) == null) {
            throw new InvalidCronException("'" + expression + "' never fires: no date has a day of month, month and day of"
                    + " week it allows");
        }
        return schedule;
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /**
     * The first fire instant strictly after {@code after}, however far ahead it is (up to 40 years for
     * the rarest schedules, such as February 29th on a Sunday); {@code null} only past the last date
     * {@link LocalDate} can hold.
     */
    public Instant next(Instant after) {
        ZoneRules rules = zone.getRules();
        long shift = dstShiftSeconds(rules, after);
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone).minusSeconds(shift);
        Instant best = null;
        LocalDateTime bestLocal = null;
        while (true) {
            LocalDateTime local = nextLocal(cursor);
            if (local == null || (bestLocal != null && local.isAfter(bestLocal.plusSeconds(shift)))) {
                return best;
            }
            for (Instant candidate : instantsOf(rules, local)) {
                if (candidate.isAfter(after) && (best == null || candidate.isBefore(best))) {
                    best = candidate;
                    bestLocal = local;
                }
            }
            cursor = local;
        }
    }

    /** Whether {@code instant} is one of this schedule's fire instants. */
    public boolean firesAt(Instant instant) {
        return instant.equals(next(instant.minusMillis(1)));
    }

    /**
     * The fire instants in {@code (after, until]}: the latest one and how many came before it.
     * Counting stops near {@code countLimit} (the count is then a lower bound), so a long downtime
     * of a frequent schedule stays cheap. Returns {@code null} when nothing is due.
     */
    public Due due(Instant after, Instant until, int countLimit) {
        Instant latest = null;
        int earlier = 0;
        boolean jumped = false;
        Instant cursor = after;
        while (true) {
            Instant next = next(cursor);
            if (next == null || next.isAfter(until)) {
                return latest == null ? null : new Due(latest, earlier);
            }
            if (latest != null) {
                earlier++;
            }
            latest = next;
            cursor = next;
            Instant jump = until.minus(Duration.ofDays(2));
            if (!jumped && earlier >= countLimit && jump.isAfter(cursor)) {
                cursor = jump;
                jumped = true;
            }
        }
    }

    /** The most recent due fire instant and the number of earlier ones it stands in for. */
    public record Due(Instant latest, int earlierMissed) {
    }

    private long dstShiftSeconds(ZoneRules rules, Instant around) {
        if (rules.isFixedOffset()) {
            return 0;
        }
        ZoneOffsetTransition previous = rules.previousTransition(around.plus(Duration.ofDays(2)));
        if (previous != null && previous.getInstant().isAfter(around.minus(Duration.ofDays(2)))) {
            return Math.abs(previous.getDuration().getSeconds());
        }
        ZoneOffsetTransition next = rules.nextTransition(around.minus(Duration.ofDays(2)));
        if (next != null && next.getInstant().isBefore(around.plus(Duration.ofDays(2)))) {
            return Math.abs(next.getDuration().getSeconds());
        }
        return 0;
    }

    private List<Instant> instantsOf(ZoneRules rules, LocalDateTime local) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return List.of(rules.getTransition(local).getInstant());
        }
        if (offsets.size() == 1) {
            return List.of(local.toInstant(offsets.get(0)));
        }
        Instant first = local.toInstant(offsets.get(0));
        Instant second = local.toInstant(offsets.get(1));
        Instant earlier = first.isBefore(second) ? first : second;
        Instant later = first.isBefore(second) ? second : first;
        return hours.unrestricted() ? List.of(earlier, later) : List.of(earlier);
    }

    /** The first local date-time strictly after {@code after} that fits every field; null only past the last date. */
    private LocalDateTime nextLocal(LocalDateTime after) {
        LocalDateTime start = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        LocalDate date = start.toLocalDate();
        LocalTime from = start.toLocalTime();
        // a matching day recurs within every cycle, so one cycle after each of the (at most two) days tried suffices
        LocalDate until = date.getYear() < Year.MAX_VALUE - 2 * CYCLE_YEARS ? date.plusDays(CYCLE_DAYS + 1) : LocalDate.MAX;
        while (true) {
            LocalDate day = nextDay(date, until);
            if (day == null) {
                return null;
            }
            LocalTime time = day.equals(date) ? nextTime(from.getHour(), from.getMinute(), from.getSecond()) : firstTime;
            if (time != null) {
                return day.atTime(time);
            }
            if (day.equals(LocalDate.MAX)) {
                return null;
            }
            date = day.plusDays(1);
            from = LocalTime.MIDNIGHT;
        }
    }

    /**
     * The first day in {@code [from, until)} whose month, day of month and day of week fit, or null.
     * Skips months the month field excludes in one step and tries only the days the day fields can
     * allow, so even a schedule that fires once in decades is found in a few thousand steps.
     */
    private LocalDate nextDay(LocalDate from, LocalDate until) {
        if (from.isBefore(until) && months.matches(from.getMonthValue())
                && dayMatches(from.getDayOfMonth(), from.getDayOfWeek().getValue() % 7)) {
            return from;
        }
        int year = from.getYear();
        int month = from.getMonthValue();
        int day = from.getDayOfMonth();
        while (true) {
            int allowed = months.nextFrom(month);
            if (allowed < 0) {
                year++;
                month = months.nextFrom(1);
                day = 1;
            } else if (allowed != month) {
                month = allowed;
                day = 1;
            }
            if (year > until.getYear()) {
                return null;
            }
            LocalDate start = LocalDate.of(year, month, day);
            if (!start.isBefore(until)) {
                return null;
            }
            int length = start.lengthOfMonth();
            int firstWeekday = start.getDayOfWeek().getValue() % 7;
            // when a day must match both fields, only the days of month allowed are worth a look
            int d = dayOfMonthOrWeek ? day : daysOfMonth.nextFrom(day);
            while (d > 0 && d <= length) {
                if (dayMatches(d, (firstWeekday + d - day) % 7)) {
                    LocalDate found = start.withDayOfMonth(d);
                    return found.isBefore(until) ? found : null;
                }
                d = dayOfMonthOrWeek ? d + 1 : daysOfMonth.nextFrom(d + 1);
            }
            if (month == 12) {
                year++;
                month = 1;
            } else {
                month++;
            }
            day = 1;
        }
    }

    /** The first time of day at or after {@code hour:minute:second} that fits the time fields, or null. */
    private LocalTime nextTime(int hour, int minute, int second) {
        int h = hour;
        int m = minute;
        int s = second;
        while (true) {
            int nextHour = hours.nextFrom(h);
            if (nextHour < 0) {
                return null;
            }
            if (nextHour != h) {
                h = nextHour;
                m = 0;
                s = 0;
            }
            int nextMinute = minutes.nextFrom(m);
            if (nextMinute < 0) {
                h++;
                m = 0;
                s = 0;
                continue;
            }
            if (nextMinute != m) {
                m = nextMinute;
                s = 0;
            }
            int nextSecond = seconds.nextFrom(s);
            if (nextSecond < 0) {
                m++;
                s = 0;
                continue;
            }
            return LocalTime.of(h, m, nextSecond);
        }
    }

    /** Whether a day fits the day fields; {@code dayOfWeek} counts from 0 for Sunday. */
    private boolean dayMatches(int dayOfMonth, int dayOfWeek) {
        boolean dom = daysOfMonth.matches(dayOfMonth);
        boolean dow = daysOfWeek.matches(dayOfWeek);
        return dayOfMonthOrWeek ? dom || dow : dom && dow;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
