package io.offsite.scheduler.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.Topics.JobType;
import io.offsite.scheduler.runs.VerificationOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackupCheckTest {

    private static final Instant STARTED = Instant.parse("2025-01-15T10:00:00Z");
    private static final BackupCheck DAILY = new BackupCheck("backup-database", JobType.BACKUP, "pokemon-data",
            Duration.ofHours(48), "2 x schedule interval PT24H", Duration.ofHours(24), List.of("verify-backups"));

    private static Optional<Instant> at(String instant) {
        return Optional.of(Instant.parse(instant));
    }

    private static Optional<VerificationOutcome> verification(String status, String finishedAt) {
        return Optional.of(new VerificationOutcome("pokemon-data", "verify-backups", "verify-backups@" + finishedAt,
                status, Instant.parse(finishedAt), status.equals("SUCCEEDED") ? null : "checksum mismatch in backup-x"));
    }

    private static BackupHealth evaluate(Optional<Instant> lastSuccess, Optional<VerificationOutcome> verification,
            String now) {
        return DAILY.evaluate(lastSuccess, verification, STARTED, Instant.parse(now));
    }

    @Test
    void aJobThatNeverSucceededIsUnknownForOneIntervalAfterStartUpThenDown() {
        assertThat(evaluate(Optional.empty(), Optional.empty(), "2025-01-15T10:00:00Z").state()).isEqualTo(HealthState.UNKNOWN);
        assertThat(evaluate(Optional.empty(), Optional.empty(), "2025-01-16T09:59:59Z").state()).isEqualTo(HealthState.UNKNOWN);
        BackupHealth down = evaluate(Optional.empty(), Optional.empty(), "2025-01-16T10:00:00Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).contains("no successful run since start-up at 2025-01-15T10:00:00Z");
        assertThat(down.details()).containsEntry("lastSuccessAt", "never").doesNotContainKey("age");
    }

    @Test
    void aSuccessYoungerThanTheMaximumAgeIsUpAndAnOlderOneDown() {
        Optional<Instant> success = at("2025-01-16T00:05:00Z");
        BackupHealth up = evaluate(success, Optional.empty(), "2025-01-16T12:00:00Z");
        assertThat(up.state()).isEqualTo(HealthState.UP);
        assertThat(up.details())
                .containsEntry("lastSuccessAt", "2025-01-16T00:05:00Z")
                .containsEntry("age", "PT11H55M")
                .containsEntry("maxAge", "PT48H")
                .containsEntry("maxAgeOrigin", "2 x schedule interval PT24H")
                .containsEntry("lastVerification", "none")
                .containsEntry("verifiedBy", List.of("verify-backups"));
        assertThat(evaluate(success, Optional.empty(), "2025-01-18T00:05:00Z").state())
                .as("exactly the maximum age").isEqualTo(HealthState.UP);
        BackupHealth down = evaluate(success, Optional.empty(), "2025-01-18T00:05:01Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).isEqualTo(
                "last success at 2025-01-16T00:05:00Z is PT48H1S old, more than the maximum age PT48H");
    }

    @Test
    void aStaleSuccessFromBeforeStartUpIsDownAtOnce() {
        assertThat(evaluate(at("2025-01-10T00:05:00Z"), Optional.empty(), "2025-01-15T10:00:01Z").state())
                .isEqualTo(HealthState.DOWN);
    }

    @Test
    void aFailedVerificationOfTheSeriesIsDownEvenRightAfterAFreshBackup() {
        BackupHealth down = evaluate(at("2025-01-16T00:05:00Z"), verification("FAILED", "2025-01-16T00:10:00Z"),
                "2025-01-16T00:11:00Z");
        assertThat(down.state()).isEqualTo(HealthState.DOWN);
        assertThat(down.reason()).isEqualTo("last verification of series 'pokemon-data' FAILED"
                + " (verify-backups@2025-01-16T00:10:00Z at 2025-01-16T00:10:00Z): checksum mismatch in backup-x");
        assertThat(down.details().get("lastVerification")).isEqualTo(Map.of(
                "job", "verify-backups", "runId", "verify-backups@2025-01-16T00:10:00Z", "status", "FAILED",
                "finishedAt", "2025-01-16T00:10:00Z", "message", "checksum mismatch in backup-x"));
        assertThat(evaluate(Optional.empty(), verification("PARTIALLY_FAILED", "2025-01-15T10:00:00Z"),
                "2025-01-15T10:01:00Z").state()).as("no grace for evidence of a bad backup").isEqualTo(HealthState.DOWN);
    }

    @Test
    void aPassedVerificationLeavesTheVerdictToTheAgeCheck() {
        assertThat(evaluate(at("2025-01-16T00:05:00Z"), verification("SUCCEEDED", "2025-01-16T00:10:00Z"),
                "2025-01-16T00:11:00Z").state()).isEqualTo(HealthState.UP);
        assertThat(evaluate(at("2025-01-16T00:05:00Z"), verification("SUCCEEDED", "2025-01-16T00:10:00Z"),
                "2025-01-19T00:11:00Z").state()).isEqualTo(HealthState.DOWN);
    }

    @Test
    void aVerificationJobShowsNoVerifiers() {
        BackupCheck verify = new BackupCheck("verify-backups", JobType.VERIFY, "pokemon-data", Duration.ofDays(14),
                "configured", Duration.ofDays(7), List.of());
        BackupHealth health = verify.evaluate(at("2025-01-16T00:10:00Z"), verification("SUCCEEDED", "2025-01-16T00:10:00Z"),
                STARTED, Instant.parse("2025-01-16T01:00:00Z"));
        assertThat(health.state()).isEqualTo(HealthState.UP);
        assertThat(health.details()).containsEntry("type", "VERIFY").doesNotContainKey("verifiedBy");
    }
}
