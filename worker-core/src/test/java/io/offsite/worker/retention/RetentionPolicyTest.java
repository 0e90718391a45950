package io.offsite.worker.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RetentionPolicyTest {

    @Test
    void anEmptyPolicyIsRefused() {
        assertThatThrownBy(() -> RetentionPolicy.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty retention policy");
        assertThatThrownBy(() -> RetentionPolicy.builder().minimum(5).build()).hasMessageContaining("empty retention policy");
        assertThatThrownBy(() -> RetentionPolicy.builder().within(RetentionDuration.parse("0d")).build())
                .hasMessageContaining("empty retention policy");
    }

    @Test
    void countsBelowUnlimitedAndNegativeMinimumsAreRefused() {
        assertThatThrownBy(() -> RetentionPolicy.builder().daily(-2).build()).hasMessageContaining("keep-daily");
        assertThatThrownBy(() -> RetentionPolicy.builder().daily(1).minimum(-1).build()).hasMessageContaining("minimum");
    }

    @Test
    void aBackupListedTwiceIsRefused() {
        Backup a = new Backup("a", Instant.parse("2024-01-01T00:00:00Z"));
        assertThatThrownBy(() -> RetentionPolicy.originalDefault().apply(List.of(a, a))).hasMessageContaining("listed twice");
    }

    @Test
    void noBackupsMakeAnEmptyPlan() {
        RetentionPlan plan = RetentionPolicy.originalDefault().apply(List.of());
        assertThat(plan.decisions()).isEmpty();
        assertThat(plan.newest()).isEmpty();
    }

    @Test
    void describesItselfInTheOriginalsWords() {
        assertThat(RetentionPolicy.originalDefault().describe()).isEqualTo("Daily: 7, Weekly: 4, Monthly: 3, Min: 5");
        assertThat(RetentionPolicy.builder().last(-1).hourly(24).yearly(2).within(RetentionDuration.parse("1y6m")).build().describe())
                .isEqualTo("Last: unlimited, Hourly: 24, Yearly: 2, Within: 1y6m");
    }

    @ParameterizedTest
    @CsvSource({
            "7d, 0, 0, 7, 0, 7d",
            "1y2m3d4h, 1, 2, 3, 4, 1y2m3d4h",
            "4h3d, 0, 0, 3, 4, 3d4h",
            "' 36m ', 0, 36, 0, 0, 36m",
            "0d, 0, 0, 0, 0, 0h"})
    void parsesResticDurations(String text, int years, int months, int days, int hours, String printed) {
        RetentionDuration d = RetentionDuration.parse(text);
        assertThat(d).isEqualTo(new RetentionDuration(years, months, days, hours));
        assertThat(d.toString()).isEqualTo(printed);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "7", "d", "7w", "1d1d", "-1d", "7 d", "1.5d", "7dd"})
    void refusesWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> RetentionDuration.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "2024-03-31T12:00:00Z, 1m, 2024-03-02T12:00:00Z",
            "2024-03-31T12:00:00Z, 1y1m, 2023-03-03T12:00:00Z",
            "2024-02-29T00:00:00Z, 1y, 2023-03-01T00:00:00Z",
            "2025-01-15T00:00:00Z, 7d, 2025-01-08T00:00:00Z",
            "2025-01-15T00:00:00Z, 1d36h, 2025-01-12T12:00:00Z"})
    void cutoffsFollowResticsDateArithmetic(String reference, String duration, String expected) {
        assertThat(RetentionDuration.parse(duration).cutoff(Instant.parse(reference), java.time.ZoneOffset.UTC))
                .isEqualTo(Instant.parse(expected));
    }

    @Test
    void theNewestVerifiedBackupIsKeptWhateverThePolicySays() {
        List<Backup> backups = new java.util.ArrayList<>();
        Instant start = Instant.parse("2025-01-01T00:00:00Z");
        for (int day = 0; day < 30; day++) {
            // only day 3 and day 10 were verified; day 10 is the newest verified
            backups.add(new Backup("d" + day, start.plus(java.time.Duration.ofDays(day)), day == 3 || day == 10));
        }
        RetentionPolicy policy = RetentionPolicy.builder().last(2).build();

        RetentionPlan plan = policy.apply(backups);

        assertThat(plan.decision("d10").orElseThrow().keep()).isTrue();
        assertThat(plan.decision("d10").orElseThrow().reasons()).extracting(Reason::label).containsExactly("newest-verified");
        assertThat(plan.decision("d3").orElseThrow().keep()).as("only the newest verified is protected").isFalse();
        assertThat(plan.kept()).extracting(Backup::id).containsExactlyInAnyOrder("d29", "d28", "d10");
    }

    @Test
    void aVerifiedBackupTheRulesKeepAnywayShowsBothReasons() {
        Instant t = Instant.parse("2025-01-15T00:00:00Z");
        RetentionPlan plan = RetentionPolicy.builder().last(1).build()
                .apply(List.of(new Backup("new", t, true), new Backup("old", t.minusSeconds(86400), false)));
        assertThat(plan.decision("new").orElseThrow().reasons()).extracting(Reason::label).containsExactly("last", "newest-verified");
        assertThat(plan.decision("old").orElseThrow().keep()).isFalse();
    }
}
