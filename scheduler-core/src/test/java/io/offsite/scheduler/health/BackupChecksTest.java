package io.offsite.scheduler.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.scheduler.jobs.JobType;
import io.offsite.scheduler.jobs.InvalidJobDefinitionException;
import io.offsite.scheduler.jobs.JobCatalog;
import io.offsite.scheduler.jobs.JobDefinition;
import io.offsite.scheduler.jobs.JobDraft;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackupChecksTest {

    private static final Instant NOW = Instant.parse("2025-01-15T10:00:00Z");

    private static JobDefinition job(String name, String type, String cron, List<String> dependsOn,
            Map<String, String> parameters) {
        return new JobDraft(name, type, cron, "UTC", Duration.ofMinutes(5), 0, Duration.ZERO, true, dependsOn, true,
                parameters).toDefinition();
    }

    /** The default configuration's jobs, plus an unscheduled backup of another series. */
    private static JobCatalog catalog() {
        return new JobCatalog(List.of(
                job("backup-database", "BACKUP", "0 0 * * *", List.of(), Map.of("source", "pokemon-data")),
                job("rotate-backups", "ROTATION", "0 1 * * *", List.of("backup-database"), Map.of("series", "pokemon-data")),
                job("verify-backups", "VERIFY", "30 2 * * 0", List.of("backup-database"),
                        Map.of("series", "pokemon-data", "sample", "newest+random")),
                job("backup-on-demand", "BACKUP", null, List.of(), Map.of("source", "archive"))),
                List.of());
    }

    @Test
    void scheduledBackupAndVerifyJobsAreCheckedAgainstTwiceTheirInterval() {
        BackupChecks checks = BackupChecks.of(catalog(), Map.of(), NOW);
        assertThat(checks.checks()).containsExactly(
                new BackupCheck("backup-database", JobType.BACKUP, "pokemon-data", Duration.ofHours(48),
                        "2 x schedule interval PT24H of '0 0 * * *'", Duration.ofHours(24), List.of("verify-backups")),
                new BackupCheck("verify-backups", JobType.VERIFY, "pokemon-data", Duration.ofDays(14),
                        "2 x schedule interval PT168H of '30 2 * * 0'", Duration.ofDays(7), List.of()));
        assertThat(checks.unchecked()).containsExactly("backup-on-demand");
    }

    @Test
    void aConfiguredMaximumAgeWinsAndMakesAnUnscheduledJobChecked() {
        BackupChecks checks = BackupChecks.of(catalog(),
                Map.of("backup-database", Duration.ofHours(30), "backup-on-demand", Duration.ofDays(3)), NOW);
        assertThat(checks.checks()).extracting(BackupCheck::job, BackupCheck::maxAge, BackupCheck::maxAgeOrigin,
                        BackupCheck::startupGrace)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("backup-database", Duration.ofHours(30), "configured",
                                Duration.ofHours(24)),
                        org.assertj.core.groups.Tuple.tuple("verify-backups", Duration.ofDays(14),
                                "2 x schedule interval PT168H of '30 2 * * 0'", Duration.ofDays(7)),
                        org.assertj.core.groups.Tuple.tuple("backup-on-demand", Duration.ofDays(3), "configured",
                                Duration.ofDays(3)));
        assertThat(checks.unchecked()).isEmpty();
    }

    @Test
    void aMaximumAgeThatCannotApplyStopsStartUpNamingTheJob() {
        assertThatThrownBy(() -> BackupChecks.of(catalog(), Map.of("rotate-backups", Duration.ofDays(1)), NOW))
                .isInstanceOf(InvalidJobDefinitionException.class)
                .hasMessage("job 'rotate-backups', field 'max-age': applies to BACKUP and VERIFY jobs only, this one is ROTATION");
        assertThatThrownBy(() -> BackupChecks.of(catalog(), Map.of("backup-database", Duration.ZERO), NOW))
                .hasMessage("job 'backup-database', field 'max-age': must be positive, was PT0S");
        assertThatThrownBy(() -> BackupChecks.of(catalog(), Map.of("backup-db", Duration.ofDays(1)), NOW))
                .hasMessage("job 'backup-db', field 'max-age': set for a job that is not defined");
    }
}
