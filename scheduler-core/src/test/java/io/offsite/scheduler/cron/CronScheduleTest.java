package io.offsite.scheduler.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronScheduleTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static List<Instant> fires(CronSchedule schedule, String from, int count) {
        List<Instant> fires = new ArrayList<>();
        Instant cursor = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            cursor = schedule.next(cursor);
            fires.add(cursor);
        }
        return fires;
    }

    private static List<Instant> instants(String... values) {
        return java.util.Arrays.stream(values).map(Instant::parse).toList();
    }

    @Test
    void dailyAtMidnightUtcAsTheOriginalWritesIt() {
        CronSchedule schedule = CronSchedule.parse("0 0 * * *", UTC);
        assertThat(fires(schedule, "2025-01-14T23:59:59Z", 2))
                .isEqualTo(instants("2025-01-15T00:00:00Z", "2025-01-16T00:00:00Z"));
        assertThat(schedule.next(Instant.parse("2025-01-15T00:00:00Z"))).isEqualTo("2025-01-16T00:00:00Z");
        assertThat(schedule.firesAt(Instant.parse("2025-01-15T00:00:00Z"))).isTrue();
        assertThat(schedule.firesAt(Instant.parse("2025-01-15T00:00:01Z"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "@hourly,   2025-01-15T10:20:00Z, 2025-01-15T11:00:00Z",
            "@daily,    2025-01-15T10:20:00Z, 2025-01-16T00:00:00Z",
            "@midnight, 2025-01-15T10:20:00Z, 2025-01-16T00:00:00Z",
            "@weekly,   2025-01-15T10:20:00Z, 2025-01-19T00:00:00Z",
            "@monthly,  2025-01-15T10:20:00Z, 2025-02-01T00:00:00Z",
            "@yearly,   2025-01-15T10:20:00Z, 2026-01-01T00:00:00Z",
            "*/10 * * * * *, 2025-01-15T10:20:01Z, 2025-01-15T10:20:10Z",
            "30 0 4 * * *,  2025-01-15T10:20:00Z, 2025-01-16T04:00:30Z",
            "0 2 * * MON-FRI, 2025-01-17T03:00:00Z, 2025-01-20T02:00:00Z",
            "0 2 * * 7,     2025-01-15T00:00:00Z, 2025-01-19T02:00:00Z",
            "0 0 1 * MON,   2025-01-15T00:00:00Z, 2025-01-20T00:00:00Z",
            "'0 0 1 JAN,JUL *', 2025-01-15T00:00:00Z, 2025-07-01T00:00:00Z",
            "0 0 29 2 *,    2025-01-15T00:00:00Z, 2028-02-29T00:00:00Z",
            "5-10/5 1 * * *, 2025-01-15T01:05:00Z, 2025-01-15T01:10:00Z",
    })
    void parsesCrontabSyntax(String expression, String after, String expected) {
        assertThat(CronSchedule.parse(expression, UTC).next(Instant.parse(after))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "61 * * * *      | minute value 61",
            "* * *           | has 3 fields",
            "@sometimes      | unknown macro",
            "0 0 31 2 *      | never fires",
            "0 0 * * MOO     | day-of-week value 'MOO'",
            "10-5 * * * *    | runs backwards",
            "''              | empty",
    })
    void rejectsInvalidExpressionsNamingTheField(String expression, String message) {
        assertThatThrownBy(() -> CronSchedule.parse(expression, UTC))
                .isInstanceOf(InvalidCronException.class)
                .hasMessageContaining(message);
    }

    @Test
    void berlinSpringForwardFiresASkippedTimeOnceWhenTheGapEnds() {
        // 2025-03-30: 02:00 CET jumps to 03:00 CEST (01:00Z); 02:30 does not exist that day
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", BERLIN);
        assertThat(fires(schedule, "2025-03-28T12:00:00Z", 3)).isEqualTo(instants(
                "2025-03-29T01:30:00Z", // 02:30 CET
                "2025-03-30T01:00:00Z", // 03:00 CEST, the first instant after the gap
                "2025-03-31T00:30:00Z")); // 02:30 CEST
    }

    @Test
    void berlinFallBackFiresARepeatedTimeOnce() {
        // 2025-10-26: 03:00 CEST falls back to 02:00 CET (01:00Z); 02:30 happens twice
        CronSchedule schedule = CronSchedule.parse("30 2 * * *", BERLIN);
        assertThat(fires(schedule, "2025-10-25T12:00:00Z", 2)).isEqualTo(instants(
                "2025-10-26T00:30:00Z", // 02:30 CEST, the first occurrence only
                "2025-10-27T01:30:00Z"));
    }

    @Test
    void hourlySchedulesFollowElapsedTimeAcrossBothChanges() {
        CronSchedule hourly = CronSchedule.parse("0 * * * *", BERLIN);
        assertThat(fires(hourly, "2025-03-29T23:30:00Z", 3)).isEqualTo(instants(
                "2025-03-30T00:00:00Z", "2025-03-30T01:00:00Z", "2025-03-30T02:00:00Z"));
        assertThat(fires(hourly, "2025-10-25T23:30:00Z", 4)).isEqualTo(instants(
                "2025-10-26T00:00:00Z", "2025-10-26T01:00:00Z", "2025-10-26T02:00:00Z", "2025-10-26T03:00:00Z"));
    }

    @Test
    void newYorkChanges() {
        // 2025-03-09 02:00 EST -> 03:00 EDT (07:00Z); 2025-11-02 02:00 EDT -> 01:00 EST (06:00Z)
        assertThat(fires(CronSchedule.parse("30 2 * * *", NEW_YORK), "2025-03-08T12:00:00Z", 3)).isEqualTo(instants(
                "2025-03-09T07:00:00Z", "2025-03-10T06:30:00Z", "2025-03-11T06:30:00Z"));
        assertThat(fires(CronSchedule.parse("30 1 * * *", NEW_YORK), "2025-11-01T12:00:00Z", 2)).isEqualTo(instants(
                "2025-11-02T05:30:00Z", "2025-11-03T06:30:00Z"));
        assertThat(fires(CronSchedule.parse("0 0 * * *", NEW_YORK), "2025-11-01T12:00:00Z", 2)).isEqualTo(instants(
                "2025-11-02T04:00:00Z", "2025-11-03T05:00:00Z"));
    }

    @Test
    void dueReportsTheLatestFireAndHowManyCameBefore() {
        CronSchedule daily = CronSchedule.parse("0 0 * * *", UTC);
        CronSchedule.Due due = daily.due(Instant.parse("2025-01-10T00:00:00Z"), Instant.parse("2025-01-15T00:05:00Z"), 100);
        assertThat(due.latest()).isEqualTo("2025-01-15T00:00:00Z");
        assertThat(due.earlierMissed()).isEqualTo(4);
        assertThat(daily.due(Instant.parse("2025-01-15T00:00:00Z"), Instant.parse("2025-01-15T23:59:59Z"), 100)).isNull();
        CronSchedule everySecond = CronSchedule.parse("* * * * * *", UTC);
        CronSchedule.Due longDowntime = everySecond.due(
                Instant.parse("2024-01-01T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"), 1000);
        assertThat(longDowntime.latest()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(longDowntime.earlierMissed()).isGreaterThanOrEqualTo(1000);
    }
}
