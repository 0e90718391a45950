package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a backup worker writes reads back as the same thing: key, metadata, both sidecars. */
class BackupFormatTest {

    private static final Instant AT = Instant.parse("2025-01-15T13:45:30.250789Z");

    @Test
    void aKeyWrittenReadsBackAsTheBackupItNames() {
        String key = BackupKeys.backupKey("backup-database", "pokemon-data", AT, ".sqlite3.db", ".gz");
        assertThat(key).isEqualTo("backup-database/pokemon-data-2025-01-15T13-45-30.250Z.sqlite3.db.gz");
        StoredBackup backup = StoredBackup.fromKey(key, 42).orElseThrow();
        assertThat(backup.time()).isEqualTo(Instant.parse("2025-01-15T13:45:30.250Z"));
        assertThat(backup.series()).isEqualTo("backup-database");
        assertThat(backup.fileName()).isEqualTo("pokemon-data-2025-01-15T13-45-30.250Z.sqlite3.db.gz");
        assertThat(backup.sha256SidecarKey()).isEqualTo(key + ".sha256");
        assertThat(backup.verifiedSidecarKey()).isEqualTo(key + ".verified");
        assertThat(StoredBackup.fromKey(key + ".sha256", 90)).isEmpty();
        assertThat(StoredBackup.fromKey(BackupKeys.runClaimKey("r"), 90)).isEmpty();
        assertThat(StoredBackup.fromKey("_incoming/" + key + ".abcd", 90)).isEmpty();
        assertThat(BackupKeys.runClaimKey("backup-database@2025-01-15T00:00:00Z")).matches("_runs/[0-9a-f]{64}");
    }

    @Test
    void internalFolderNamesAreRecognisedWithOrWithoutTheirSlash() {
        assertThat(BackupKeys.startsLikeInternal("_incoming")).isTrue();
        assertThat(BackupKeys.startsLikeInternal("_runsX/a")).isTrue();
        assertThat(BackupKeys.startsLikeInternal("backup-database")).isFalse();
    }

    @Test
    void theChecksumSidecarIsSha256sumFormat() {
        String key = "s/a-2025-01-15T00-00-00.000Z.db.gz";
        String sha = "ab".repeat(32);
        byte[] content = ChecksumSidecar.content(key, sha);
        assertThat(new String(content, StandardCharsets.UTF_8)).isEqualTo(sha + "  a-2025-01-15T00-00-00.000Z.db.gz\n");
        assertThat(ChecksumSidecar.parse(content)).contains(sha);
        assertThat(ChecksumSidecar.parse((sha.toUpperCase() + " *x").getBytes(StandardCharsets.UTF_8))).contains(sha);
        assertThat(ChecksumSidecar.parse("not a checksum".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void theMetadataOfABackupIsWrittenInOneOrder() {
        Map<String, String> metadata = BackupMetadata.ofBackup("a", "b", 12, "gzip", "run", "src", Instant.parse("2025-01-15T00:00:00Z"));
        assertThat(metadata.keySet()).containsExactly(BackupMetadata.SHA256, BackupMetadata.SOURCE_SHA256, BackupMetadata.SOURCE_BYTES,
                BackupMetadata.COMPRESSION, BackupMetadata.RUN_ID, BackupMetadata.SOURCE, BackupMetadata.CREATED_AT);
        assertThat(metadata).containsEntry(BackupMetadata.SOURCE_BYTES, "12").containsEntry(BackupMetadata.CREATED_AT, "2025-01-15T00:00:00Z");
    }

    @Test
    void theVerificationDocumentReadsBackWholeAndAsEveryReaderSeesIt() throws Exception {
        VerifiedSidecar.Document written = new VerifiedSidecar.Document("s/a", Instant.parse("2025-01-15T02:00:03.120Z"), "OK", null,
                "ab", "cd", "SQLITE", Map.of("sets", 150L));
        byte[] json = written.toJson();
        assertThat(new String(json, StandardCharsets.UTF_8)).isEqualTo("{\"key\":\"s/a\",\"verifiedAt\":\"2025-01-15T02:00:03.120Z\","
                + "\"outcome\":\"OK\",\"reason\":null,\"sha256\":\"ab\",\"sourceSha256\":\"cd\",\"kind\":\"SQLITE\",\"tables\":{\"sets\":150}}\n");
        assertThat(VerifiedSidecar.Document.fromJson(json)).isEqualTo(written);
        assertThat(VerifiedSidecar.parse(json)).isEqualTo(new VerifiedSidecar("OK", written.verifiedAt(), null));
        assertThat(BackupKeys.sidecarOf(VerifiedSidecar.keyOf("s/a"))).contains(new BackupKeys.Sidecar("s/a", ".verified"));
        assertThat(List.of(ChecksumSidecar.keyOf("s/a"), VerifiedSidecar.keyOf("s/a"))).allMatch(BackupKeys::isSidecar);
    }
}
