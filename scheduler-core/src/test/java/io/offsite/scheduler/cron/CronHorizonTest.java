package io.offsite.scheduler.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Schedules whose fires are years or decades apart, checked against a plain day-by-day walk of the
 * calendar that reads each expression's days from a predicate written here, not from the parser.
 */
class CronHorizonTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final long CYCLE_DAYS = 146_097;

    /** The fire instants in {@code (after, after + years]} of a schedule firing at {@code time} on the days {@code day} accepts. */
    private static List<Instant> walk(Predicate<LocalDate> day, LocalTime time, ZoneId zone, Instant after, int years) {
        List<Instant> fires = new ArrayList<>();
        LocalDate date = LocalDate.ofInstant(after, zone).minusDays(1);
        LocalDate end = LocalDate.ofInstant(after, zone).plusYears(years);
        for (; !date.isAfter(end); date = date.plusDays(1)) {
            Instant fire = date.atTime(time).atZone(zone).toInstant();
            if (day.test(date) && fire.isAfter(after) && !fire.isAfter(after.atZone(zone).plusYears(years).toInstant())) {
                fires.add(fire);
            }
        }
        return fires;
    }

    /** The first fire instant after {@code after} of a midnight UTC schedule on the days {@code day} accepts, or null. */
    private static Instant firstFire(Predicate<LocalDate> day, Instant after) {
        LocalDate date = LocalDate.ofInstant(after, UTC);
        for (long i = 0; i <= CYCLE_DAYS + 1; i++, date = date.plusDays(1)) {
            Instant fire = date.atStartOfDay(UTC).toInstant();
            if (day.test(date) && fire.isAfter(after)) {
                return fire;
            }
        }
        return null;
    }

    private static List<Instant> chain(CronSchedule schedule, Instant after, int years) {
        Instant end = after.atZone(schedule.zone()).plusYears(years).toInstant();
        List<Instant> fires = new ArrayList<>();
        for (Instant next = schedule.next(after); next != null && !next.isAfter(end); next = schedule.next(next)) {
            fires.add(next);
        }
        return fires;
    }

    private static Duration longestGap(List<Instant> fires) {
        Duration longest = Duration.ZERO;
        for (int i = 1; i < fires.size(); i++) {
            Duration gap = Duration.between(fires.get(i - 1), fires.get(i));
            longest = gap.compareTo(longest) > 0 ? gap : longest;
        }
        return longest;
    }

    private static boolean is(LocalDate date, Month month, int day) {
        return date.getMonth() == month && date.getDayOfMonth() == day;
    }

    @ParameterizedTest(name = "{0} in {1} after {2}: {3}")
    @CsvSource(delimiter = '|', textBlock = """
            0 0 */31 1 SUN     | UTC           | 2025-01-01T00:00:00Z | 2034-01-01T00:00:00Z
            0 0 29 2 MON       | UTC           | 2025-01-01T00:00:00Z | 2025-02-03T00:00:00Z
            0 0 29 2 MON       | UTC           | 2025-03-01T00:00:00Z | 2026-02-02T00:00:00Z
            0 0 29 2 */7       | UTC           | 2025-01-01T00:00:00Z | 2032-02-29T00:00:00Z
            0 0 29 2 */7       | UTC           | 2033-01-01T00:00:00Z | 2060-02-29T00:00:00Z
            0 0 29 2 */7       | UTC           | 2088-02-29T00:00:00Z | 2128-02-29T00:00:00Z
            15 30 4 29 2 */7   | UTC           | 2088-03-01T00:00:00Z | 2128-02-29T04:30:15Z
            0 0 29 2 */7       | Europe/Berlin | 2088-03-01T00:00:00Z | 2128-02-28T23:00:00Z
            0 0 29 2 *         | UTC           | 2096-02-29T00:00:00Z | 2104-02-29T00:00:00Z
            30 2 29 2 ?        | Europe/Berlin | 2096-02-29T12:00:00Z | 2104-02-29T01:30:00Z
            """)
    void findsTheNextFireHoweverFarAhead(String expression, String zone, String after, String expected) {
        CronSchedule schedule = CronSchedule.parse(expression.trim(), ZoneId.of(zone.trim()));
        assertThat(schedule.next(Instant.parse(after.trim()))).isEqualTo(expected.trim());
    }

    static Stream<Arguments> rareSchedules() {
        return Stream.of(
                // day of month written over *, so it counts as unrestricted: January 1st that is a Sunday
                Arguments.of("0 0 */31 1 SUN", UTC, (Predicate<LocalDate>) d -> is(d, Month.JANUARY, 1)
                        && d.getDayOfWeek() == DayOfWeek.SUNDAY),
                // both day fields restricted: either one, so February 29th or any Monday in February
                Arguments.of("0 0 29 2 MON", UTC, (Predicate<LocalDate>) d -> d.getMonth() == Month.FEBRUARY
                        && (d.getDayOfMonth() == 29 || d.getDayOfWeek() == DayOfWeek.MONDAY)),
                // */7 over day-of-week is Sunday only, and unrestricted: February 29th that is a Sunday
                Arguments.of("0 0 29 2 */7", UTC, (Predicate<LocalDate>) d -> is(d, Month.FEBRUARY, 29)
                        && d.getDayOfWeek() == DayOfWeek.SUNDAY),
                Arguments.of("0 0 29 2 */7", BERLIN, (Predicate<LocalDate>) d -> is(d, Month.FEBRUARY, 29)
                        && d.getDayOfWeek() == DayOfWeek.SUNDAY),
                Arguments.of("0 0 29 2 ?", UTC, (Predicate<LocalDate>) d -> is(d, Month.FEBRUARY, 29)),
                Arguments.of("0 0 */28 2 MON", UTC, (Predicate<LocalDate>) d -> d.getMonth() == Month.FEBRUARY
                        && (d.getDayOfMonth() == 1 || d.getDayOfMonth() == 29) && d.getDayOfWeek() == DayOfWeek.MONDAY),
                Arguments.of("0 0 31 */2 *", UTC, (Predicate<LocalDate>) d -> d.getMonthValue() % 2 == 1
                        && d.getDayOfMonth() == 31),
                Arguments.of("0 0 13 * FRI", UTC, (Predicate<LocalDate>) d -> d.getDayOfMonth() == 13
                        || d.getDayOfWeek() == DayOfWeek.FRIDAY));
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("rareSchedules")
    void everyFireOverSixtyYearsMatchesADayByDayWalk(String expression, ZoneId zone, Predicate<LocalDate> day) {
        CronSchedule schedule = CronSchedule.parse(expression, zone);
        for (String after : List.of("2025-01-01T00:00:00Z", "2088-02-29T00:00:00Z")) {
            List<Instant> expected = walk(day, LocalTime.MIDNIGHT, zone, Instant.parse(after), 60);
            assertThat(expected).isNotEmpty();
            assertThat(chain(schedule, Instant.parse(after), 60)).isEqualTo(expected);
        }
    }

    @Test
    void theRarestScheduleFiresThirteenTimesInFourHundredYearsUpToFortyYearsApart() {
        // no schedule can fire less often than one (month, day, weekday) triple, and every triple comes round
        // at least 13 times per 400-year cycle, at most 40 years apart: nothing fires once in 400 years
        Map<String, List<LocalDate>> triples = new HashMap<>();
        LocalDate start = LocalDate.of(2000, 1, 1);
        for (LocalDate d = start; d.isBefore(start.plusDays(2 * CYCLE_DAYS)); d = d.plusDays(1)) {
            triples.computeIfAbsent(d.getMonth() + "-" + d.getDayOfMonth() + "-" + d.getDayOfWeek(), k -> new ArrayList<>())
                    .add(d);
        }
        long fewest = Long.MAX_VALUE;
        long widest = 0;
        for (List<LocalDate> dates : triples.values()) {
            fewest = Math.min(fewest, dates.stream().filter(d -> d.isBefore(start.plusDays(CYCLE_DAYS))).count());
            for (int i = 1; i < dates.size(); i++) {
                widest = Math.max(widest, ChronoUnit.YEARS.between(dates.get(i - 1), dates.get(i)));
            }
        }
        assertThat(fewest).isEqualTo(13);
        assertThat(widest).isEqualTo(40);

        CronSchedule rarest = CronSchedule.parse("0 0 29 2 */7", UTC);
        Instant from = Instant.parse("2000-01-01T00:00:00Z");
        List<Instant> fires = chain(rarest, from, 400);
        assertThat(fires).hasSize(13).isEqualTo(walk(d -> is(d, Month.FEBRUARY, 29) && d.getDayOfWeek() == DayOfWeek.SUNDAY,
                LocalTime.MIDNIGHT, UTC, from, 400));
        assertThat(longestGap(fires)).isEqualTo(Duration.between(
                Instant.parse("2088-02-29T00:00:00Z"), Instant.parse("2128-02-29T00:00:00Z")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0 0 30 2 *",
            "0 0 31 4 *",
            "0 0 30,31 2 *",
            "0 0 31 2,4,6,9,11 *",
            "0 0 31 FEB,APR */7",
            "0 0 30 2 ?",
    })
    void anExpressionNoDateFitsIsRejected(String expression) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, UTC))
                .isInstanceOf(InvalidCronException.class)
                .hasMessageContaining("never fires");
    }

    private record Field(String text, IntPredicate allows, boolean star) {
    }

    /**
     * Every combination of a few day-of-month, month and day-of-week fields: accepted exactly when some date of a
     * 400-year cycle fits, and then the next fire after several instants is the walk's.
     */
    @Test
    void acceptsExactlyTheExpressionsSomeDateFitsAndFindsTheirNextFire() {
        List<Field> daysOfMonth = List.of(
                new Field("29", d -> d == 29, false),
                new Field("30,31", d -> d >= 30, false),
                new Field("31", d -> d == 31, false),
                new Field("*/31", d -> d == 1, true),
                new Field("*/28", d -> d == 1 || d == 29, true),
                new Field("*", d -> true, true));
        List<Field> months = List.of(
                new Field("2", m -> m == 2, false),
                new Field("4", m -> m == 4, false),
                new Field("FEB,APR", m -> m == 2 || m == 4, false),
                new Field("*/2", m -> m % 2 == 1, true),
                new Field("9-11", m -> m >= 9 && m <= 11, false),
                new Field("*", m -> true, true));
        List<Field> daysOfWeek = List.of(
                new Field("*", w -> true, true),
                new Field("?", w -> true, true),
                new Field("*/7", w -> w == 0, true),
                new Field("MON", w -> w == 1, false),
                new Field("SAT,7", w -> w == 6 || w == 0, false),
                new Field("0-6", w -> true, false));
        List<Instant> afters = List.of(Instant.parse("2025-01-01T00:00:00Z"), Instant.parse("2088-02-29T00:00:00Z"),
                Instant.parse("2096-02-29T00:00:00Z"), Instant.parse("2099-12-31T23:59:59Z"));
        int accepted = 0;
        int rejected = 0;
        for (Field dom : daysOfMonth) {
            for (Field month : months) {
                for (Field dow : daysOfWeek) {
                    String expression = "0 0 " + dom.text() + " " + month.text() + " " + dow.text();
                    Predicate<LocalDate> day = d -> month.allows().test(d.getMonthValue()) && (dom.star() || dow.star()
                            ? dom.allows().test(d.getDayOfMonth()) && dow.allows().test(d.getDayOfWeek().getValue() % 7)
                            : dom.allows().test(d.getDayOfMonth()) || dow.allows().test(d.getDayOfWeek().getValue() % 7));
                    LocalDate cycle = LocalDate.of(2000, 1, 1);
                    boolean fires = cycle.datesUntil(cycle.plusDays(CYCLE_DAYS)).anyMatch(day);
                    if (!fires) {
                        rejected++;
                        assertThatThrownBy(() -> CronSchedule.parse(expression, UTC)).as(expression)
                                .isInstanceOf(InvalidCronException.class).hasMessageContaining("never fires");
                        continue;
                    }
                    accepted++;
                    CronSchedule schedule = CronSchedule.parse(expression, UTC);
                    for (Instant after : afters) {
                        assertThat(schedule.next(after)).as(expression + " after " + after).isEqualTo(firstFire(day, after));
                    }
                }
            }
        }
        assertThat(rejected).isPositive();
        assertThat(accepted).isPositive();
    }
}
