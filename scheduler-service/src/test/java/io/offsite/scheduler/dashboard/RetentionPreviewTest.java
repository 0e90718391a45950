package io.offsite.scheduler.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.scheduler.dashboard.BackupEntry.Verification;
import io.offsite.scheduler.inventory.TrackedSeries;
import io.offsite.worker.retention.RetentionPolicy;
import io.offsite.worker.retention.Semantics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rotation dry run plans like the rotation worker: same policy code, same newest-verified rule, same listing instant. */
class RetentionPreviewTest {

    private static final Instant LISTED = Instant.parse("2026-03-20T12:00:00Z");
    private static final RetentionPolicy DAILY_2 = RetentionPolicy.builder().daily(2).build();

    @Test
    void keepsWhatTheRulesKeepAndTheNewestVerifiedAndDeletesTheRestWithItsSize() {
        RetentionPreview preview = RetentionPreview.of(DAILY_2, snapshot(
                backup(0, 500, "NONE"), backup(1, 400, "NONE"), backup(2, 300, "FAILED"), backup(5, 200, "OK"),
                backup(9, 100, "OK"), backup(30, 50, "NONE")));

        assertThat(preview.available()).isTrue();
        assertThat(preview.policy()).isEqualTo("Daily: 2");
        assertThat(preview.plannedAt()).isEqualTo(LISTED);
        assertThat(preview.newestVerified()).isEqualTo(key(5));
        assertThat(preview.decisions()).extracting(RetentionPreview.Item::key)
                .containsExactly(key(0), key(1), key(2), key(5), key(9), key(30));
        assertThat(preview.decisions()).extracting(RetentionPreview.Item::keep).containsExactly(true, true, false, true, false, false);
        assertThat(preview.decisions().get(0).reasons()).containsExactly("daily");
        assertThat(preview.decisions().get(3).reasons()).containsExactly("newest-verified");
        assertThat(preview.decisions().get(2).reasons()).isEmpty();
        assertThat(preview.keep()).isEqualTo(3);
        assertThat(preview.delete()).isEqualTo(3);
        assertThat(preview.bytesToFree()).isEqualTo(300 + 100 + 50);
        assertThat(preview.warnings()).isEmpty();
    }

    @Test
    void anUnreadableVerificationBeforeTheNewestOkOneIsAWarningAsTheRotationWouldStop() {
        RetentionPreview preview = RetentionPreview.of(DAILY_2, snapshot(backup(0, 1, "NONE"), backup(1, 1, "UNREADABLE"),
                backup(3, 1, "OK")));

        assertThat(preview.newestVerified()).isNull();
        assertThat(preview.warnings()).singleElement().asString().contains("would stop without deleting anything");
    }

    @Test
    void aFutureDatedBackupIsKeptOutOfEveryRuleAndNeverTheNewestVerified() {
        BackupEntry future = new BackupEntry("s/future", "future", LISTED.plus(Duration.ofDays(3)), 1,
                new Verification(Verification.OK, LISTED, null));
        RetentionPreview preview = RetentionPreview.of(DAILY_2, snapshot(future, backup(0, 1, "NONE"), backup(1, 1, "OK")));

        assertThat(preview.newestVerified()).isEqualTo(key(1));
        assertThat(preview.decisions().get(0).reasons()).containsExactly("future-dated");
        assertThat(preview.warnings()).singleElement().asString().contains("dated after the listing time");
    }

    @Test
    void aSeriesNeverListedHasNoPreviewAndSaysWhy() {
        RetentionPreview preview = RetentionPreview.of(DAILY_2,
                new SeriesSnapshot("s", "s/", null, List.of(), 0, 0, "Access Denied"));

        assertThat(preview.available()).isFalse();
        assertThat(preview.unavailableReason()).isEqualTo("the series could not be listed yet: Access Denied");
    }

    @Test
    void policiesAreCheckedAtStartUpNamingTheSetting() {
        List<TrackedSeries> tracked = List.of(new TrackedSeries("shop", "shop/"));
        RetentionSettings daily = new RetentionSettings(Semantics.RESTIC, null, 0, 0, 7, 0, 0, 0, null, 0);

        assertThat(DashboardPolicies.of(Map.of("shop", daily), tracked).bySeries().get("shop").describe()).isEqualTo("Daily: 7");
        assertThatThrownBy(() -> DashboardPolicies.of(Map.of("nope", daily), tracked))
                .hasMessageContaining("offsite.scheduler.dashboard.retention.nope").hasMessageContaining("[shop]");
        assertThatThrownBy(() -> DashboardPolicies.of(Map.of("shop",
                new RetentionSettings(null, null, 0, 0, 0, 0, 0, 0, null, 3)), tracked))
                .hasMessageContaining("offsite.scheduler.dashboard.retention.shop: empty retention policy");
        assertThatThrownBy(() -> DashboardPolicies.of(Map.of("shop",
                new RetentionSettings(null, null, 0, 0, 0, 0, 0, 0, "7w", 0)), tracked))
                .hasMessageContaining("offsite.scheduler.dashboard.retention.shop: invalid duration '7w'");
    }

    private static SeriesSnapshot snapshot(BackupEntry... backups) {
        return new SeriesSnapshot("s", "s/", LISTED, new ArrayList<>(List.of(backups)), 0, 0, null);
    }

    /** A backup taken {@code daysAgo} days before the listing. */
    private static BackupEntry backup(int daysAgo, long size, String verification) {
        Verification v = verification.equals("NONE") ? Verification.none()
                : new Verification(verification, LISTED.minus(Duration.ofDays(daysAgo)), verification.equals("OK") ? null : "broken");
        return new BackupEntry(key(daysAgo), "b" + daysAgo, LISTED.minus(Duration.ofDays(daysAgo)).minusSeconds(60), size, v);
    }

    private static String key(int daysAgo) {
        return "s/b" + daysAgo;
    }
}
