package io.offsite.scheduler.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.inventory.SeriesView;
import io.offsite.scheduler.inventory.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupCheckTest {

    private static final Instant STARTED = Instant.parse("2025-01-15T10:00:00Z");
    private static final Instant LISTED = Instant.parse("2025-01-15T10:00:01Z");
    private static final BackupCheck DAILY = new BackupCheck("backup-database", JobType.BACKUP, "pokemon-data",
            Duration.ofHours(48), "2 x schedule interval PT24H", Duration.ofHours(24), List.of("verify-backups"));

    /** The series as listed at {@link #LISTED}, its newest backup taken at {@code newest} (null: none). */
    private static SeriesView view(String newest, Optional<Verdict> verification) {
        Instant at = newest == null ? null : Instant.parse(newest);
        return new SeriesView("pokemon-data", "backup-database/", at == null ? 0 : 3, at == null ? 0 : 3000,
                at == null ? null : at.minus(Duration.ofDays(2)), at, at, 0, verification, LISTED, null, null);
    }

    private static Optional<Verdict> verification(boolean passed, String at) {
        return Optional.of(new Verdict(passed, Instant.parse(at), "sidecar backup-database/pokemon-data-x.gz.verified",
                passed ? null : "checksum mismatch in backup-x"));
    }

    private static BackupHealth evaluate(String newest, Optional<Verdict> verification, String now) {
        return DAILY.evaluate(view(newest, verification), STARTED, Instant.parse(now));
    }

    @Test
    void aSeriesWithoutBackupsIsUnknownForOneIntervalAfterStartUpThenDown() {
        assertThat(evaluate(null, Optional.empty(), "2025-01-15T10:00:00Z").state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(evaluate(null, Optional.empty(), "2025-01-16T09:59:59Z").state()).isEqualTo(HealthState.UNKNOWN);
        BackupHealth down = evaluate(null, Optional.empty(), "2025-01-16T10:00:00Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).contains("no backup in backup-database/", "since start-up at 2025-01-15T10:00:00Z");
        assertThat(down.details()).containsEntry("newestBackupAt", "none").containsEntry("backups", 0).doesNotContainKey("age");
    }

    @Test
    void aBackupYoungerThanTheMaximumAgeIsUpAndAnOlderOneDown() {
        String newest = "2025-01-16T00:05:00Z";
        BackupHealth up = evaluate(newest, Optional.empty(), "2025-01-16T12:00:00Z");
        assertThat(up.state()).isEqualTo(HealthState.UP);
        assertThat(up.details())
                .containsEntry("newestBackupAt", "2025-01-16T00:05:00Z")
                .containsEntry("age", "PT11H55M")
                .containsEntry("maxAge", "PT48H")
                .containsEntry("maxAgeOrigin", "2 x schedule interval PT24H")
                .containsEntry("backups", 3)
                .containsEntry("lastVerification", "none")
                .containsEntry("verifiedBy", List.of("verify-backups"))
                .containsEntry("prefix", "backup-database/")
                .containsEntry("listedAt", "2025-01-15T10:00:01Z")
                .doesNotContainKey("listingError");
        assertThat(evaluate(newest, Optional.empty(), "2025-01-18T00:05:00Z").state())
                .as("exactly the maximum age").isEqualTo(HealthState.UP);
        BackupHealth down = evaluate(newest, Optional.empty(), "2025-01-18T00:05:01Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).isEqualTo(
                "newest backup at 2025-01-16T00:05:00Z is PT48H1S old, more than the maximum age PT48H");
    }

    @Test
    void aStaleBackupFromBeforeStartUpIsDownAtOnce() {
        assertThat(evaluate("2025-01-10T00:05:00Z", Optional.empty(), "2025-01-15T10:00:01Z").state())
                .isEqualTo(HealthState.DOWN);
    }

    @Test
    void aFailedVerificationOfTheSeriesIsDownEvenRightAfterAFreshBackup() {
        BackupHealth down = evaluate("2025-01-16T00:05:00Z", verification(false, "2025-01-16T00:10:00Z"), "2025-01-16T00:11:00Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).isEqualTo("last verification of series 'pokemon-data' FAILED"
                + " (sidecar backup-database/pokemon-data-x.gz.verified at 2025-01-16T00:10:00Z): checksum mismatch in backup-x");
        assertThat(down.details().get("lastVerification")).isEqualTo(Map.of(
                "status", "FAILED", "at", "2025-01-16T00:10:00Z", "source", "sidecar backup-database/pokemon-data-x.gz.verified",
                "message", "checksum mismatch in backup-x"));
        assertThat(evaluate(null, verification(false, "2025-01-15T10:00:00Z"), "2025-01-15T10:01:00Z").state())
                .as("no grace for evidence of a bad backup").isEqualTo(HealthState.DOWN);
    }

    @Test
    void aPassedVerificationLeavesTheVerdictToTheAgeCheck() {
        assertThat(evaluate("2025-01-16T00:05:00Z", verification(true, "2025-01-16T00:10:00Z"), "2025-01-16T00:11:00Z").state())
                .isEqualTo(HealthState.UP);
        assertThat(evaluate("2025-01-16T00:05:00Z", verification(true, "2025-01-16T00:10:00Z"), "2025-01-19T00:11:00Z").state())
                .isEqualTo(HealthState.DOWN);
    }

    @Test
    void aFailedListingKeepsJudgingTheLastOneAndSaysSo() {
        SeriesView stale = new SeriesView("pokemon-data", "backup-database/", 3, 3000, null, Instant.parse("2025-01-16T00:05:00Z"),
                Instant.parse("2025-01-16T00:05:00Z"), 0, Optional.empty(), LISTED, "cannot list: object store unreachable",
                Instant.parse("2025-01-16T11:00:00Z"));
        BackupHealth up = DAILY.evaluate(stale, STARTED, Instant.parse("2025-01-16T12:00:00Z"));
        assertThat(up.state()).as("the store being unreachable is no evidence of a missing backup").isEqualTo(HealthState.UP);
        assertThat(up.details()).containsEntry("listingError", "cannot list: object store unreachable")
                .containsEntry("listingErrorAt", "2025-01-16T11:00:00Z").containsEntry("listingAge", "PT25H59M59S");
    }

    @Test
    void aSeriesNeverListedIsUnknownRatherThanDown() {
        SeriesView never = new SeriesView("pokemon-data", "backup-database/", 0, 0, null, null, null, 0, Optional.empty(), null,
                "cannot list: object store unreachable", Instant.parse("2025-01-17T00:00:00Z"));
        BackupHealth health = DAILY.evaluate(never, STARTED, Instant.parse("2025-01-17T00:00:01Z"));
        assertThat(health.state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(health.reason()).startsWith("the bucket was not listed yet (cannot list: object store unreachable)");
        assertThat(health.details()).containsEntry("listedAt", "never");
    }

    @Test
    void aVerificationJobIsJudgedByItsLatestVerificationAndShowsNoVerifiers() {
        BackupCheck verify = new BackupCheck("verify-backups", JobType.VERIFY, "pokemon-data", Duration.ofDays(14),
                "configured", Duration.ofDays(7), List.of());
        BackupHealth health = verify.evaluate(view("2025-01-16T00:05:00Z", verification(true, "2025-01-16T00:10:00Z")),
                STARTED, Instant.parse("2025-01-16T01:00:00Z"));
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.details()).containsEntry("type", "VERIFY").containsEntry("lastVerificationAt", "2025-01-16T00:10:00Z")
                .doesNotContainKey("verifiedBy");
        assertThat(verify.evaluate(view("2025-01-16T00:05:00Z", verification(true, "2025-01-16T00:10:00Z")),
                STARTED, Instant.parse("2025-01-31T00:10:01Z")).state()).isEqualTo(HealthState.DOWN);
    }

    @Test
    void anEncryptedBackupVerifiedWithoutItsIdentityIsUpButSaysItWasNotRestored() {
        Optional<Verdict> sealed = Optional.of(Verdict.notRestored(Instant.parse("2025-01-15T02:00:00Z"),
                "sidecar backup-database/pokemon-data-x.gz.age.verified", "encrypted, not restored"));
        BackupHealth health = evaluate("2025-01-15T00:00:00Z", sealed, "2025-01-15T12:00:00Z");
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.reason()).contains("encrypted, not restored").contains("no identity");
        assertThat(health.details().get("lastVerification").toString()).contains("ENCRYPTED_NOT_RESTORED");
        BackupHealth plain = evaluate("2025-01-15T00:00:00Z", verification(true, "2025-01-15T02:00:00Z"), "2025-01-15T12:00:00Z");
        assertThat(plain.reason()).doesNotContain("not restored");
        assertThat(plain.details().get("lastVerification").toString()).contains("status=OK");
    }
}
