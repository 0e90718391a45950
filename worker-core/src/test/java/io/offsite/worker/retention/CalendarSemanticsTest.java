package io.offsite.worker.retention;

import static io.offsite.worker.retention.Timelines.dailyUtc;
import static io.offsite.worker.retention.Timelines.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The original's semantics: the first backup of each period represents it, weeks start on Sunday. */
class CalendarSemanticsTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    @Test
    void originalExampleOn20250115KeepsSevenDaysFourSundaysAndThreeFirstsOfMonth() {
        RetentionPlan plan = RetentionPolicy.originalDefault().apply(dailyUtc("2024-09-01", "2025-01-15"));

        assertThat(ids(plan.kept())).containsExactly(
                "2025-01-15T00:00:00Z", "2025-01-14T00:00:00Z", "2025-01-13T00:00:00Z", "2025-01-12T00:00:00Z",
                "2025-01-11T00:00:00Z", "2025-01-10T00:00:00Z", "2025-01-09T00:00:00Z",
                "2025-01-05T00:00:00Z", "2025-01-01T00:00:00Z", "2024-12-29T00:00:00Z", "2024-12-22T00:00:00Z",
                "2024-12-01T00:00:00Z", "2024-11-01T00:00:00Z");
        assertThat(reasons(plan, "2025-01-12T00:00:00Z")).isEqualTo("daily,weekly");
        assertThat(reasons(plan, "2025-01-05T00:00:00Z")).isEqualTo("weekly");
        assertThat(reasons(plan, "2025-01-01T00:00:00Z")).isEqualTo("monthly");
        assertThat(plan.keptSummary()).isEqualTo("7 daily + 4 weekly + 3 monthly");
        assertThat(plan.deleted()).hasSize(137 - 13);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("several backups a day: the first of each day represents it; the newest is kept regardless",
                        RetentionPolicy.builder().daily(2).build(),
                        Timelines.every(Duration.ofHours(6), "2024-05-01T00:00:00Z", "2024-05-03T18:00:00Z"),
                        List.of("2024-05-03T18:00:00Z newest", "2024-05-03T00:00:00Z daily", "2024-05-02T00:00:00Z daily")),
                Arguments.of("missing days: the N most recent days that have backups",
                        RetentionPolicy.builder().daily(4).build(),
                        Timelines.of("2024-05-20T00:00:00Z", "2024-05-19T00:00:00Z", "2024-05-12T00:00:00Z",
                                "2024-05-02T00:00:00Z", "2024-05-01T00:00:00Z"),
                        List.of("2024-05-20T00:00:00Z daily", "2024-05-19T00:00:00Z daily", "2024-05-12T00:00:00Z daily",
                                "2024-05-02T00:00:00Z daily")),
                Arguments.of("weeks start on Sunday: Saturday and Sunday fall in different weeks",
                        RetentionPolicy.builder().weekly(2).build(),
                        Timelines.of("2024-06-08T10:00:00Z", "2024-06-09T10:00:00Z", "2024-06-10T10:00:00Z"),
                        List.of("2024-06-10T10:00:00Z newest", "2024-06-09T10:00:00Z weekly", "2024-06-08T10:00:00Z weekly")),
                Arguments.of("year boundary in ISO week 53: the Sunday week of 27 Dec 2020 holds 31 Dec and 2 Jan",
                        RetentionPolicy.builder().weekly(2).build(),
                        Timelines.of("2021-01-04T12:00:00Z", "2021-01-02T12:00:00Z", "2020-12-31T12:00:00Z"),
                        List.of("2021-01-04T12:00:00Z weekly", "2020-12-31T12:00:00Z weekly")),
                Arguments.of("yearly keeps the first backup of each year",
                        RetentionPolicy.builder().yearly(2).build(),
                        Timelines.dailyUtc("2020-12-20", "2021-01-10"),
                        List.of("2021-01-10T00:00:00Z newest", "2021-01-01T00:00:00Z yearly", "2020-12-20T00:00:00Z yearly")),
                Arguments.of("unlimited months: the first backup of every month",
                        RetentionPolicy.builder().monthly(-1).build(),
                        Timelines.dailyUtc("2024-01-15", "2024-04-10"),
                        List.of("2024-04-10T00:00:00Z newest", "2024-04-01T00:00:00Z monthly", "2024-03-01T00:00:00Z monthly",
                                "2024-02-01T00:00:00Z monthly", "2024-01-15T00:00:00Z monthly")),
                Arguments.of("unlimited keep-last keeps everything",
                        RetentionPolicy.builder().last(-1).build(),
                        Timelines.dailyUtc("2024-01-01", "2024-01-03"),
                        List.of("2024-01-03T00:00:00Z last", "2024-01-02T00:00:00Z last", "2024-01-01T00:00:00Z last")),
                Arguments.of("keep-within 7d from the newest backup (not from now), the cutoff itself excluded",
                        RetentionPolicy.builder().within(RetentionDuration.parse("7d")).build(),
                        Timelines.dailyUtc("2020-01-01", "2020-01-15"),
                        List.of("2020-01-15T00:00:00Z within", "2020-01-14T00:00:00Z within", "2020-01-13T00:00:00Z within",
                                "2020-01-12T00:00:00Z within", "2020-01-11T00:00:00Z within", "2020-01-10T00:00:00Z within",
                                "2020-01-09T00:00:00Z within")),
                Arguments.of("minimum tops up with the newest backups the rules left out",
                        RetentionPolicy.builder().monthly(1).minimum(3).build(),
                        Timelines.dailyUtc("2024-03-01", "2024-03-05"),
                        List.of("2024-03-05T00:00:00Z newest", "2024-03-04T00:00:00Z minimum", "2024-03-01T00:00:00Z monthly")),
                Arguments.of("minimum larger than the series keeps everything",
                        RetentionPolicy.builder().last(1).minimum(10).build(),
                        Timelines.dailyUtc("2024-03-01", "2024-03-03"),
                        List.of("2024-03-03T00:00:00Z last", "2024-03-02T00:00:00Z minimum", "2024-03-01T00:00:00Z minimum")),
                Arguments.of("rules overlap: one backup is daily, weekly, monthly and yearly at once",
                        RetentionPolicy.builder().daily(1).weekly(1).monthly(1).yearly(1).build(),
                        Timelines.of("2023-01-01T00:00:00Z", "2022-12-31T00:00:00Z"),
                        List.of("2023-01-01T00:00:00Z daily,weekly,monthly,yearly")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void table(String description, RetentionPolicy policy, List<Backup> backups, List<String> expectedKeptWithReasons) {
        assertThat(keptWithReasons(policy.apply(backups))).as(description).containsExactlyElementsOf(expectedKeptWithReasons);
    }

    @Test
    void daysFollowTheZoneAcrossTheSpringDstChange() {
        // midnight in Berlin is 23:00 UTC in winter and 22:00 UTC in summer; DST began on 2024-03-31
        List<Backup> backups = Timelines.daily("2024-03-20", "2024-04-03", "00:00", BERLIN);
        RetentionPolicy policy = RetentionPolicy.builder().zone(BERLIN).daily(7).within(RetentionDuration.parse("7d")).build();

        RetentionPlan plan = policy.apply(backups);

        // seven local days, and 7d measured on the local calendar (not 168 hours, which would reach back to 27 March)
        assertThat(ids(plan.kept())).containsExactly(
                "2024-04-02T22:00:00Z", "2024-04-01T22:00:00Z", "2024-03-31T22:00:00Z", "2024-03-30T23:00:00Z",
                "2024-03-29T23:00:00Z", "2024-03-28T23:00:00Z", "2024-03-27T23:00:00Z");
        assertThat(plan.decisions()).filteredOn(Decision::keep).allMatch(d -> d.reasonLabels().equals("within,daily"));
    }

    @Test
    void theRepeatedHourOfTheAutumnDstChangeIsOneHourRepresentedByItsFirstBackup() {
        // 2024-10-27 in Berlin: 02:00–02:59 happens twice (00:xx UTC in summer time, 01:xx UTC in winter time)
        List<Backup> backups = Timelines.every(Duration.ofHours(1), "2024-10-26T22:00:00Z", "2024-10-27T03:00:00Z");
        RetentionPlan plan = RetentionPolicy.builder().zone(BERLIN).hourly(-1).build().apply(backups);

        assertThat(ids(plan.deleted())).containsExactly("2024-10-27T01:00:00Z");
        assertThat(keptWithReasons(plan)).contains("2024-10-27T00:00:00Z hourly");
    }

    @Test
    void aBackupLateInTheEveningBelongsToTheLocalDayNotTheUtcDay() {
        // 03:30 UTC is still the previous evening in New York
        List<Backup> backups = Timelines.of("2024-03-12T03:30:00Z", "2024-03-11T15:00:00Z", "2024-03-11T03:30:00Z");

        RetentionPlan utc = RetentionPolicy.builder().daily(1).build().apply(backups);
        RetentionPlan newYork = RetentionPolicy.builder().zone(NEW_YORK).daily(1).build().apply(backups);

        assertThat(keptWithReasons(utc)).containsExactly("2024-03-12T03:30:00Z daily");
        assertThat(keptWithReasons(newYork)).containsExactly("2024-03-12T03:30:00Z newest", "2024-03-11T15:00:00Z daily");
    }

    @Test
    void aYearOfDailyBackupsWithTheDefaultPolicy() {
        RetentionPlan plan = RetentionPolicy.originalDefault().apply(dailyUtc("2024-01-16", "2025-01-15"));

        assertThat(plan.kept()).hasSize(13);
        assertThat(plan.deleted()).hasSize(366 - 13);
        assertThat(plan.keptByRule()).isEqualTo(Map.of(Rule.DAILY, 7, Rule.WEEKLY, 4, Rule.MONTHLY, 3));
    }

    @Test
    void inputOrderDoesNotMatterAndEqualTimesAreOrderedById() {
        List<Backup> backups = new ArrayList<>(List.of(
                new Backup("b", java.time.Instant.parse("2024-01-01T00:00:00Z")),
                new Backup("a", java.time.Instant.parse("2024-01-01T00:00:00Z")),
                new Backup("c", java.time.Instant.parse("2023-12-31T00:00:00Z"))));
        RetentionPolicy policy = RetentionPolicy.builder().daily(5).build();
        List<Decision> forward = policy.apply(backups).decisions();
        java.util.Collections.reverse(backups);

        assertThat(policy.apply(backups).decisions()).isEqualTo(forward);
        // the first backup of the day among equal instants is the smaller id; the newest is the larger
        assertThat(keptWithReasons(policy.apply(backups))).containsExactly("b newest", "a daily", "c daily");
    }

    static String reasons(RetentionPlan plan, String id) {
        return plan.decision(id).orElseThrow().reasonLabels();
    }

    static List<String> keptWithReasons(RetentionPlan plan) {
        return plan.decisions().stream().filter(Decision::keep).map(d -> d.backup().id() + " " + d.reasonLabels()).toList();
    }
}
