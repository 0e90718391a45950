package io.offsite.worker.retention;

import static io.offsite.worker.retention.Timelines.dailyUtc;
import static io.offsite.worker.retention.Timelines.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Backups dated after the planning instant never take a slot from a real backup. */
class FutureDatedBackupsTest {

    static final Instant NOW = Instant.parse("2025-01-15T01:00:00Z");

    /** Seven requests dated in year 9999, one a day: enough to fill every daily slot of the original policy. */
    static final List<Backup> YEAR_9999 = dailyUtc("9999-01-01", "9999-01-07");

    static RetentionPolicy policy(Semantics semantics) {
        return RetentionPolicy.builder().semantics(semantics).daily(7).weekly(4).monthly(3).minimum(5).build();
    }

    static List<Backup> with(List<Backup> real, List<Backup> future) {
        List<Backup> all = new ArrayList<>(real);
        all.addAll(future);
        return all;
    }

    @ParameterizedTest
    @EnumSource(Semantics.class)
    void sevenBackupsDatedInYear9999DeleteNoRealBackup(Semantics semantics) {
        // exactly what the policy keeps of a year of daily backups: nothing real is due for deletion
        List<Backup> real = policy(semantics).apply(dailyUtc("2024-01-16", "2025-01-15"), NOW).kept();
        RetentionPlan alone = policy(semantics).apply(real, NOW);
        assertThat(real).hasSizeGreaterThan(7);
        assertThat(alone.deleted()).isEmpty();

        RetentionPlan plan = policy(semantics).apply(with(real, YEAR_9999), NOW);

        assertThat(plan.deleted()).isEmpty();
        assertThat(ids(plan.futureDated())).containsExactlyInAnyOrderElementsOf(ids(YEAR_9999));
        for (Backup b : YEAR_9999) {
            Decision d = plan.decision(b.id()).orElseThrow();
            assertThat(d.reasons()).containsExactly(Reason.of(Rule.FUTURE_DATED));
            assertThat(d.reasonLabels()).isEqualTo("future-dated");
        }
        // the real backups keep exactly the reasons they had without the future-dated ones
        for (Decision d : alone.decisions()) {
            assertThat(plan.decision(d.backup().id()).orElseThrow()).isEqualTo(d);
        }
        assertThat(plan.newest()).contains(real.get(0));
        assertThat(plan.keptByRule()).containsEntry(Rule.FUTURE_DATED, 7).containsEntry(Rule.DAILY, 7);
    }

    @ParameterizedTest
    @EnumSource(Semantics.class)
    void withOldBackupsDueForDeletionThePlanForRealBackupsIsUnchanged(Semantics semantics) {
        List<Backup> real = dailyUtc("2024-01-16", "2025-01-15");
        RetentionPlan alone = policy(semantics).apply(real, NOW);

        RetentionPlan plan = policy(semantics).apply(with(real, YEAR_9999), NOW);

        assertThat(ids(plan.deleted())).containsExactlyElementsOf(ids(alone.deleted()));
        assertThat(plan.kept()).hasSize(alone.kept().size() + 7);
    }

    @Test
    void theMinimumIsFilledWithRealBackupsOnly() {
        List<Backup> real = dailyUtc("2024-06-01", "2024-06-10");
        RetentionPolicy lastTwoMinimumFive = RetentionPolicy.builder().last(2).minimum(5).build();

        RetentionPlan plan = lastTwoMinimumFive.apply(with(real, YEAR_9999), NOW);

        assertThat(ids(plan.kept())).hasSize(7 + 5).containsSubsequence(
                "2024-06-10T00:00:00Z", "2024-06-09T00:00:00Z", "2024-06-08T00:00:00Z", "2024-06-07T00:00:00Z", "2024-06-06T00:00:00Z");
        assertThat(plan.decision("2024-06-06T00:00:00Z").orElseThrow().keptBy(Rule.MINIMUM)).isTrue();
    }

    @Test
    void aVerifiedFutureDatedBackupDoesNotStandInForTheNewestVerifiedRealOne() {
        List<Backup> backups = List.of(new Backup("forged", Instant.parse("9999-01-01T00:00:00Z"), true),
                new Backup("new", Instant.parse("2025-01-14T00:00:00Z"), false),
                new Backup("verified", Instant.parse("2025-01-10T00:00:00Z"), true),
                new Backup("old", Instant.parse("2025-01-09T00:00:00Z"), false));

        RetentionPlan plan = RetentionPolicy.builder().last(1).build().apply(backups, NOW);

        assertThat(plan.decision("forged").orElseThrow().reasonLabels()).isEqualTo("future-dated");
        assertThat(plan.decision("verified").orElseThrow().reasonLabels()).isEqualTo("newest-verified");
        assertThat(ids(plan.deleted())).containsExactly("old");
    }

    @Test
    void aFewMinutesAheadIsClockSkewNotFutureDated() {
        Instant skewed = NOW.plus(RetentionPolicy.FUTURE_SKEW);
        Instant ahead = skewed.plusMillis(1);
        List<Backup> backups = List.of(new Backup("skewed", skewed), new Backup("ahead", ahead),
                new Backup("yesterday", NOW.minus(Duration.ofDays(1))));

        RetentionPlan plan = RetentionPolicy.builder().last(1).build().apply(backups, NOW);

        assertThat(ids(plan.futureDated())).containsExactly("ahead");
        assertThat(plan.decision("skewed").orElseThrow().reasonLabels()).isEqualTo("last");
        assertThat(ids(plan.deleted())).containsExactly("yesterday");
        assertThat(RetentionPolicy.isFutureDated(ahead, NOW)).isTrue();
        assertThat(RetentionPolicy.isFutureDated(skewed, NOW)).isFalse();
        assertThat(RetentionPolicy.isFutureDated(ahead, null)).isFalse();
    }

    @Test
    void withoutAPlanningInstantEveryBackupIsReal() {
        RetentionPlan plan = RetentionPolicy.builder().last(1).build().apply(with(dailyUtc("2024-06-01", "2024-06-02"), YEAR_9999));

        assertThat(plan.futureDated()).isEmpty();
        assertThat(plan.kept()).hasSize(1);
    }
}
