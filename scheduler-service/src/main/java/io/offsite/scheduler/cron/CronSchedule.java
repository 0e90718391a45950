package io.offsite.scheduler.cron;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
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
 * either fires. Instances are immutable; {@link #next(Instant)} is a pure function.
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
    private static final int SEARCH_YEARS = 8;

    private final String expression;
    private final ZoneId zone;
    private final CronField seconds;
    private final CronField minutes;
    private final CronField hours;
    private final CronField daysOfMonth;
    private final CronField months;
    private final CronField daysOfWeek;

    private CronSchedule(String expression, ZoneId zone, String[] f) {
        this.expression = expression;
        this.zone = zone;
        this.seconds = CronField.parse("second", f[0], 0, 59, null);
        this.minutes = CronField.parse("minute", f[1], 0, 59, null);
        this.hours = CronField.parse("hour", f[2], 0, 23, null);
        this.daysOfMonth = CronField.parse("day-of-month", f[3], 1, 31, null);
        this.months = CronField.parse("month", f[4], 1, 12, MONTHS);
        this.daysOfWeek = CronField.parse("day-of-week", f[5], 0, 7, DAYS).foldSunday();
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
        if (schedule.nextLocal(LocalDateTime.of(2000, 1, 1, 0, 0).minusSeconds(1), SEARCH_YEARS * 4) == null) {
            throw new InvalidCronException("'" + expression + "' never fires");
        }
        return schedule;
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** The first fire instant strictly after {@code after}, or {@code null} when there is none. */
    public Instant next(Instant after) {
        ZoneRules rules = zone.getRules();
        long shift = dstShiftSeconds(rules, after);
        LocalDateTime cursor = LocalDateTime.ofInstant(after, zone).minusSeconds(shift);
        Instant best = null;
        LocalDateTime bestLocal = null;
        while (true) {
            LocalDateTime local = nextLocal(cursor, SEARCH_YEARS);
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

    private LocalDateTime nextLocal(LocalDateTime after, int years) {
        LocalDateTime t = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        LocalDateTime limit = after.plusYears(years);
        while (t.isBefore(limit)) {
            if (!months.matches(t.getMonthValue())) {
                t = t.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay();
                continue;
            }
            if (!dayMatches(t.toLocalDate())) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            int hour = hours.nextFrom(t.getHour());
            if (hour < 0) {
                t = t.toLocalDate().plusDays(1).atStartOfDay();
                continue;
            }
            if (hour != t.getHour()) {
                t = t.toLocalDate().atTime(hour, 0);
            }
            int minute = minutes.nextFrom(t.getMinute());
            if (minute < 0) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
                continue;
            }
            if (minute != t.getMinute()) {
                t = t.truncatedTo(ChronoUnit.HOURS).withMinute(minute);
            }
            int second = seconds.nextFrom(t.getSecond());
            if (second < 0) {
                t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
                continue;
            }
            return t.withSecond(second);
        }
        return null;
    }

    private boolean dayMatches(LocalDate date) {
        boolean dom = daysOfMonth.matches(date.getDayOfMonth());
        boolean dow = daysOfWeek.matches(date.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : date.getDayOfWeek().getValue());
        if (daysOfMonth.unrestricted() || daysOfWeek.unrestricted()) {
            return dom && dow;
        }
        return dom || dow;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}
