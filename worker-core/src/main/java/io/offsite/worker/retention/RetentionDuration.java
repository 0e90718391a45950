package io.offsite.worker.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A keep-within duration as restic writes it: years, months, days and hours, e.g. {@code 7d} or {@code 1y2m3d4h}.
 * Calendar units are applied on the local calendar of a zone, with restic's arithmetic (see {@link #cutoff}).
 */
public record RetentionDuration(int years, int months, int days, int hours) {

    public static final RetentionDuration ZERO = new RetentionDuration(0, 0, 0, 0);

    private static final Pattern PART = Pattern.compile("(\\d{1,6})([ymdh])");

    public RetentionDuration {
        if (years < 0 || months < 0 || days < 0 || hours < 0) {
            throw new IllegalArgumentException("a retention duration cannot be negative: " + years + "y" + months + "m" + days + "d" + hours + "h");
        }
    }

    /**
     * Parses {@code [Ny][Nm][Nd][Nh]}: at least one part, each unit at most once ({@code m} is months; there is no
     * unit for weeks or minutes, as in restic).
     */
    public static RetentionDuration parse(String text) {
        String s = text == null ? "" : text.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration; expected e.g. 7d or 1y2m3d4h");
        }
        int[] values = {-1, -1, -1, -1};
        Matcher m = PART.matcher(s);
        int at = 0;
        while (at < s.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("invalid duration '" + text + "'; expected numbers with units y, m, d, h, e.g. 7d or 1y2m3d4h");
            }
            int unit = "ymdh".indexOf(m.group(2));
            if (values[unit] >= 0) {
                throw new IllegalArgumentException("invalid duration '" + text + "': unit '" + m.group(2) + "' given twice");
            }
            values[unit] = Integer.parseInt(m.group(1));
            at = m.end();
        }
        return new RetentionDuration(Math.max(0, values[0]), Math.max(0, values[1]), Math.max(0, values[2]), Math.max(0, values[3]));
    }

    public boolean isZero() {
        return years == 0 && months == 0 && days == 0 && hours == 0;
    }

    /**
     * The instant this duration before {@code reference}, as restic computes it: years, months and days are taken off
     * the local date in {@code zone} with overflowing dates rolled forward (31 March minus one month is 3 March, not
     * 28 February), the time of day is kept, then the hours are taken off as elapsed time.
     */
    public Instant cutoff(Instant reference, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofInstant(reference, zone);
        long monthIndex = (long) local.getYear() * 12 + (local.getMonthValue() - 1) - (long) years * 12 - months;
        LocalDate date = LocalDate.of((int) Math.floorDiv(monthIndex, 12L), (int) Math.floorMod(monthIndex, 12L) + 1, 1)
                .plusDays((long) local.getDayOfMonth() - 1 - days);
        return ZonedDateTime.of(date, local.toLocalTime(), zone).toInstant().minusSeconds(hours * 3600L);
    }

    /** restic's spelling: {@code 1y2m3d4h}, zero parts left out. */
    @Override
    public String toString() {
        if (isZero()) {
            return "0h";
        }
        StringBuilder s = new StringBuilder();
        if (years != 0) {
            s.append(years).append('y');
        }
        if (months != 0) {
            s.append(months).append('m');
        }
        if (days != 0) {
            s.append(days).append('d');
        }
        if (hours != 0) {
            s.append(hours).append('h');
        }
        return s.toString();
    }
}
