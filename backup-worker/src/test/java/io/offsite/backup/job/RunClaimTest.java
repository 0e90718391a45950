package io.offsite.backup.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.worker.artifact.BackupKeys;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunClaimTest {

    static final RunClaim CLAIM = new RunClaim("backup-database@2025-01-15T00:00:00Z", "backup-database", "pokemon-data",
            Instant.parse("2025-01-15T00:00:00Z"), List.of("shop/b/x.gz", "shop/a/x.gz"), Instant.parse("2025-01-15T00:00:01.204Z"));

    @Test
    void roundTripsThroughJson() {
        String json = new String(CLAIM.toJson(), StandardCharsets.UTF_8);

        assertThat(json).contains("\"keys\":[\"shop/b/x.gz\",\"shop/a/x.gz\"]").endsWith("\n");
        assertThat(RunClaim.fromJson(CLAIM.toJson())).isEqualTo(CLAIM);
    }

    @Test
    void theSameKeysInAnyOrderAreTheSameRun() {
        assertThat(CLAIM.sameKeys(List.of("shop/a/x.gz", "shop/b/x.gz"))).isTrue();
        assertThat(CLAIM.sameKeys(List.of("shop/a/x.gz"))).isFalse();
        assertThat(CLAIM.sameKeys(List.of("shop/a/y.gz", "shop/b/x.gz"))).isFalse();
    }

    @Test
    void whatIsNotAClaimIsRefused() {
        for (String bad : new String[] {"", "not json", "{}", "{\"runId\":\"r\",\"keys\":[]}", "{\"runId\":\"r\",\"keys\":[\"k\"],\"claimedAt\":\"yesterday\"}"}) {
            assertThatThrownBy(() -> RunClaim.fromJson(bad.getBytes(StandardCharsets.UTF_8))).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void claimKeysLieOutsideEverySeries() {
        assertThat(BackupKeys.runClaimKey("backup-database@2025-01-15T00:00:00Z")).matches("_runs/[0-9a-f]{64}")
                .isEqualTo(BackupKeys.runClaimKey("backup-database@2025-01-15T00:00:00Z"))
                .isNotEqualTo(BackupKeys.runClaimKey("backup-database@2025-01-16T00:00:00Z"));
    }
}
