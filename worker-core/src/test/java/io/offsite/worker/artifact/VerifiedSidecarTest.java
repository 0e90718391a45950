package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class VerifiedSidecarTest {

    private static VerifiedSidecar read(String json) throws IOException {
        return VerifiedSidecar.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsWhatTheVerifyJobWrites() throws IOException {
        VerifiedSidecar ok = read("{\"key\":\"s/a\",\"verifiedAt\":\"2025-01-15T02:00:03.120Z\",\"outcome\":\"OK\",\"reason\":null,"
                + "\"sha256\":\"ab\",\"kind\":\"SQLITE\",\"tables\":{\"sets\":150},\"later\":true}");
        assertThat(ok).isEqualTo(new VerifiedSidecar("OK", Instant.parse("2025-01-15T02:00:03.120Z"), null));
        assertThat(ok.ok()).isTrue();
        VerifiedSidecar failed = read("{\"verifiedAt\":\"not a time\",\"outcome\":\"failed\",\"reason\":\"checksum differs\"}");
        assertThat(failed.ok()).isFalse();
        assertThat(failed.outcome()).isEqualTo("FAILED");
        assertThat(failed.verifiedAt()).isNull();
        assertThat(failed.reason()).isEqualTo("checksum differs");
    }

    @Test
    void refusesWhatIsNoSidecarNamingWhy() {
        assertThatThrownBy(() -> read("not json")).isInstanceOf(IOException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> read("[1]")).isInstanceOf(IOException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> read("{\"reason\":\"x\"}")).isInstanceOf(IOException.class).hasMessageContaining("no 'outcome'");
        assertThatThrownBy(() -> VerifiedSidecar.read(new ByteArrayInputStream(new byte[VerifiedSidecar.MAX_BYTES + 1])))
                .isInstanceOf(IOException.class).hasMessageContaining("larger than");
    }

    @Test
    void keysSplitIntoBackupAndSidecar() {
        assertThat(BackupKeys.sidecarOf("s/a.gz.verified")).contains(new BackupKeys.Sidecar("s/a.gz", ".verified"));
        assertThat(BackupKeys.sidecarOf("s/a.gz.sha256")).contains(new BackupKeys.Sidecar("s/a.gz", ".sha256"));
        assertThat(BackupKeys.sidecarOf("s/a.gz")).isEmpty();
        assertThat(BackupKeys.isInternal("_incoming/s/a.gz.0123")).isTrue();
        assertThat(BackupKeys.isInternal("_runs/ab")).isTrue();
        assertThat(BackupKeys.folderOf("shop/db/a.gz")).isEqualTo("shop/db");
        assertThat(BackupKeys.prefixOf("shop/db")).isEqualTo("shop/db/");
        assertThat(SeriesListing.backupTime("s/", "s/a-2025-01-15T00-00-00.000Z.gz")).contains(Instant.parse("2025-01-15T00:00:00Z"));
        assertThat(SeriesListing.backupTime("s/", "s/a-2025-01-15T00-00-00.000Z.gz.sha256")).isEmpty();
        assertThat(SeriesListing.backupTime("s/", "s/sub/a-2025-01-15T00-00-00.000Z.gz")).isEmpty();
        assertThat(SeriesListing.backupTime("s/", "t/a-2025-01-15T00-00-00.000Z.gz")).isEmpty();
    }
}
