package io.offsite.worker.retention;

import static io.offsite.worker.retention.CalendarSemanticsTest.keptWithReasons;
import static io.offsite.worker.retention.Timelines.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden cases for {@code restic forget --keep-*}, derived by hand from restic's documentation ("Removing backup
 * snapshots", doc/060_forget.rst: the last snapshot of a period represents it, weeks run Monday 00:00 to Sunday 23:59,
 * only periods with snapshots count, rules are ORed, {@code unlimited} keeps all, keep-within is measured from the
 * latest snapshot and is given as years/months/days/hours, and "if there are not enough snapshots to keep one for each
 * duration related option, the oldest snapshot is kept additionally and marked as oldest") and from the behaviour of
 * its ApplyPolicy (Go's ISO weeks, and dates moved back with Go's AddDate, which rolls 31 February over to early
 * March). Each expected line was worked out from those rules, not by running this code.
 */
class ResticSemanticsTest {

    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    static RetentionPolicy.Builder restic() {
        return RetentionPolicy.builder().semantics(Semantics.RESTIC);
    }

    static Stream<Arguments> golden() {
        return Stream.of(
                // the documentation's own example: one backup every Sunday for 12 weeks, forget --keep-daily 4
                Arguments.of("documented example: 12 Sundays, --keep-daily 4",
                        restic().daily(4).build(),
                        Timelines.daily("2019-09-01", "2019-11-17", "11:00", ZoneId.of("UTC")).stream()
                                .filter(b -> b.time().atZone(ZoneId.of("UTC")).getDayOfWeek() == java.time.DayOfWeek.SUNDAY).toList(),
                        List.of("2019-11-17T11:00:00Z daily", "2019-11-10T11:00:00Z daily", "2019-11-03T11:00:00Z daily",
                                "2019-10-27T11:00:00Z daily")),
                Arguments.of("several backups a day: the last of each day represents it",
                        restic().daily(2).build(),
                        Timelines.every(Duration.ofHours(6), "2024-05-01T00:00:00Z", "2024-05-03T18:00:00Z"),
                        List.of("2024-05-03T18:00:00Z daily", "2024-05-02T18:00:00Z daily")),
                Arguments.of("count left at the oldest backup: it is kept too, marked oldest",
                        restic().daily(3).build(),
                        Timelines.of("2024-01-01T20:00:00Z", "2024-01-01T08:00:00Z"),
                        List.of("2024-01-01T20:00:00Z daily", "2024-01-01T08:00:00Z oldest-daily")),
                Arguments.of("count left at an oldest backup of a new period: kept as a plain daily",
                        restic().daily(5).build(),
                        Timelines.dailyUtc("2024-01-01", "2024-01-03"),
                        List.of("2024-01-03T00:00:00Z daily", "2024-01-02T00:00:00Z daily", "2024-01-01T00:00:00Z daily")),
                Arguments.of("ISO weeks: Sunday closes the week, Monday opens the next",
                        restic().weekly(2).build(),
                        Timelines.of("2024-06-08T10:00:00Z", "2024-06-09T10:00:00Z", "2024-06-10T10:00:00Z"),
                        List.of("2024-06-10T10:00:00Z weekly", "2024-06-09T10:00:00Z weekly")),
                Arguments.of("ISO week 53 of 2020 spans the new year: 31 Dec and 1 Jan are one week",
                        restic().weekly(2).build(),
                        Timelines.of("2021-01-01T12:00:00Z", "2020-12-31T12:00:00Z", "2020-12-20T12:00:00Z"),
                        List.of("2021-01-01T12:00:00Z weekly", "2020-12-20T12:00:00Z weekly")),
                Arguments.of("yearly keeps the last backup of each year, then the oldest while count is left",
                        restic().yearly(3).build(),
                        Timelines.dailyUtc("2020-12-20", "2021-01-10"),
                        List.of("2021-01-10T00:00:00Z yearly", "2020-12-31T00:00:00Z yearly", "2020-12-20T00:00:00Z oldest-yearly")),
                Arguments.of("unlimited months: the last backup of every month and the oldest",
                        restic().monthly(-1).build(),
                        Timelines.dailyUtc("2024-01-15", "2024-04-10"),
                        List.of("2024-04-10T00:00:00Z monthly", "2024-03-31T00:00:00Z monthly", "2024-02-29T00:00:00Z monthly",
                                "2024-01-31T00:00:00Z monthly", "2024-01-15T00:00:00Z oldest-monthly")),
                Arguments.of("missing days: the N most recent days that have backups, then no count left",
                        restic().daily(3).build(),
                        Timelines.of("2024-05-20T00:00:00Z", "2024-05-12T00:00:00Z", "2024-05-02T00:00:00Z", "2024-05-01T00:00:00Z"),
                        List.of("2024-05-20T00:00:00Z daily", "2024-05-12T00:00:00Z daily", "2024-05-02T00:00:00Z daily")),
                Arguments.of("--keep-last 2 --keep-daily 2: rules are ORed and each counts on its own",
                        restic().last(2).daily(2).build(),
                        Timelines.every(Duration.ofHours(12), "2024-05-01T00:00:00Z", "2024-05-03T12:00:00Z"),
                        List.of("2024-05-03T12:00:00Z last,daily", "2024-05-03T00:00:00Z last", "2024-05-02T12:00:00Z daily")),
                Arguments.of("--keep-within 1m on 31 March: Go's AddDate rolls 31 February to 2 March",
                        restic().within(RetentionDuration.parse("1m")).build(),
                        Timelines.daily("2024-02-27", "2024-03-31", "12:00", ZoneId.of("UTC")),
                        newestFirst(Timelines.daily("2024-03-03", "2024-03-31", "12:00", ZoneId.of("UTC"))).stream()
                                .map(b -> b.id() + " within").toList()),
                Arguments.of("--keep-within 1d2h: one local day, then two elapsed hours",
                        restic().within(RetentionDuration.parse("1d2h")).build(),
                        Timelines.every(Duration.ofHours(6), "2024-05-01T00:00:00Z", "2024-05-03T00:00:00Z"),
                        List.of("2024-05-03T00:00:00Z within", "2024-05-02T18:00:00Z within", "2024-05-02T12:00:00Z within",
                                "2024-05-02T06:00:00Z within", "2024-05-02T00:00:00Z within")),
                // documented example, scaled: daily backups, --keep-daily 7 --keep-weekly 5 --keep-monthly 3; the newest
                // is a Sunday, so the 7 dailies include 1 weekly and 4 more last-day-of-the-week backups are kept
                Arguments.of("--keep-daily 7 --keep-weekly 5 --keep-monthly 3 ending on a Sunday",
                        restic().daily(7).weekly(5).monthly(3).build(),
                        Timelines.dailyUtc("2023-10-01", "2024-03-31"),
                        List.of("2024-03-31T00:00:00Z daily,weekly,monthly", "2024-03-30T00:00:00Z daily",
                                "2024-03-29T00:00:00Z daily", "2024-03-28T00:00:00Z daily", "2024-03-27T00:00:00Z daily",
                                "2024-03-26T00:00:00Z daily", "2024-03-25T00:00:00Z daily", "2024-03-24T00:00:00Z weekly",
                                "2024-03-17T00:00:00Z weekly", "2024-03-10T00:00:00Z weekly", "2024-03-03T00:00:00Z weekly",
                                "2024-02-29T00:00:00Z monthly", "2024-01-31T00:00:00Z monthly")));
    }

    static List<Backup> newestFirst(List<Backup> backups) {
        List<Backup> copy = new java.util.ArrayList<>(backups);
        java.util.Collections.reverse(copy);
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("golden")
    void golden(String description, RetentionPolicy policy, List<Backup> backups, List<String> expectedKeptWithReasons) {
        assertThat(keptWithReasons(policy.apply(backups))).as(description).containsExactlyElementsOf(expectedKeptWithReasons);
    }

    @Test
    void theRepeatedHourOfTheAutumnDstChangeIsOneHourRepresentedByItsLastBackup() {
        // 2024-10-27 in Berlin: 02:00–02:59 happens twice; restic reads hours on the local clock
        List<Backup> backups = Timelines.every(Duration.ofHours(1), "2024-10-26T22:00:00Z", "2024-10-27T03:00:00Z");
        RetentionPlan plan = restic().zone(BERLIN).hourly(-1).build().apply(backups);

        assertThat(ids(plan.deleted())).containsExactly("2024-10-27T00:00:00Z");
    }

    @Test
    void keepWithinCountsLocalDaysAcrossTheSpringDstChange() {
        List<Backup> backups = Timelines.daily("2024-03-20", "2024-04-03", "00:00", BERLIN);
        RetentionPlan plan = restic().zone(BERLIN).within(RetentionDuration.parse("7d")).build().apply(backups);

        assertThat(ids(plan.kept())).hasSize(7).last().isEqualTo("2024-03-27T23:00:00Z");
    }

    @Test
    void keepWithinIgnoresBackupsStampedInTheFutureWhenMeasuringFromTheLatest() {
        List<Backup> backups = Timelines.of("2030-01-01T00:00:00Z", "2024-05-03T00:00:00Z", "2024-05-02T00:00:00Z",
                "2024-05-01T00:00:00Z");
        RetentionPolicy policy = restic().within(RetentionDuration.parse("1d")).build();

        RetentionPlan plan = policy.apply(backups, Instant.parse("2024-05-04T00:00:00Z"));

        // measured from 3 May (the latest backup before now); the future backup is after the cutoff and kept
        assertThat(ids(plan.kept())).containsExactly("2030-01-01T00:00:00Z", "2024-05-03T00:00:00Z");
    }

    @Test
    void sameTimestampsGiveTheSameDecisionsWhateverTheInputOrder() {
        List<Backup> backups = new java.util.ArrayList<>(Timelines.every(Duration.ofHours(7), "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z"));
        RetentionPolicy policy = restic().daily(10).weekly(4).monthly(2).last(3).build();
        List<Decision> expected = policy.apply(backups).decisions();
        java.util.Collections.shuffle(backups, new java.util.Random(7));

        assertThat(policy.apply(backups).decisions()).isEqualTo(expected);
    }
}
