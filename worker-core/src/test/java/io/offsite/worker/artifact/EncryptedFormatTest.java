package io.offsite.worker.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An encrypted backup is named, listed, rotated and described like any other, with {@code .age} and its recipients. */
class EncryptedFormatTest {

    private static final Instant AT = Instant.parse("2025-01-15T00:00:00Z");
    private static final String RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

    @Test
    void theAgeSuffixComesAfterTheCompressionExtensionAndTheKeyStillReadsAsABackup() {
        String key = BackupKeys.backupKey("backup-database", "pokemon-data", AT, ".sqlite3.db", ".gz", true);
        assertThat(key).isEqualTo("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz.age");
        assertThat(BackupKeys.backupKey("s", "p", AT, ".db", ".gz", false)).isEqualTo("s/p-2025-01-15T00-00-00.000Z.db.gz");
        assertThat(BackupKeys.isEncrypted(key)).isTrue();
        assertThat(BackupKeys.withoutEncryption(key)).isEqualTo("backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz");
        assertThat(BackupNames.timestamp(key)).contains(AT);
        StoredBackup backup = StoredBackup.fromKey(key, 10).orElseThrow();
        assertThat(backup.encrypted()).isTrue();
        assertThat(backup.time()).isEqualTo(AT);
        assertThat(BackupKeys.sidecarOf(key + ".sha256")).contains(new BackupKeys.Sidecar(key, ".sha256"));
        assertThat(StoredBackup.fromKey(key + ".verified", 10)).isEmpty();
    }

    @Test
    void anInventoryAndTheRotationSeeEncryptedBackupsWithTheirSidecarsNextToClearOnes() {
        String p = "backup-database/";
        String clear = p + "pokemon-data-2025-01-14T00-00-00.000Z.sqlite3.db.gz";
        String sealed = p + "pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.zst.age";
        SeriesInventory inventory = SeriesInventory.of(p, List.of(new ListedObject(sealed, 500), new ListedObject(sealed + ".sha256", 90),
                new ListedObject(sealed + ".verified", 300), new ListedObject(clear, 1000)));
        assertThat(inventory.backups()).extracting(StoredBackup::key).containsExactly(sealed, clear);
        assertThat(inventory.backups().get(0).sidecars()).hasSize(2);
        assertThat(inventory.backups().get(0).verification()).isPresent();
        assertThat(inventory.orphanSidecars()).isEmpty();
        assertThat(inventory.ignored()).isEmpty();
    }

    @Test
    void theMetadataNamesTheRecipientsByFingerprintNeverByKey() {
        Map<String, String> plain = BackupMetadata.ofBackup("a", "b", 12, "gzip", "run", "src", AT);
        Map<String, String> metadata = BackupMetadata.encrypted(plain, List.of(RECIPIENT, " age1other "));
        assertThat(metadata).containsEntry(BackupMetadata.ENCRYPTION, "age").containsAllEntriesOf(plain);
        assertThat(metadata.values()).noneMatch(v -> v.contains("age1"));
        List<String> fingerprints = BackupMetadata.recipientsOf(metadata);
        assertThat(fingerprints).containsExactly(BackupMetadata.fingerprint(RECIPIENT), BackupMetadata.fingerprint("age1other"));
        assertThat(fingerprints.get(0)).matches("[0-9a-f]{16}");
        assertThat(BackupMetadata.isEncrypted(metadata)).isTrue();
        assertThat(BackupMetadata.isEncrypted(plain)).isFalse();
        assertThat(BackupMetadata.recipientsOf(plain)).isEmpty();
    }

    @Test
    void encryptedNotRestoredIsNeitherAPassNorAFailure() throws Exception {
        VerifiedSidecar.Document doc = new VerifiedSidecar.Document("s/a.gz.age", AT, VerifiedSidecar.ENCRYPTED_NOT_RESTORED,
                "encrypted, not restored", "ab", null, null, Map.of());
        VerifiedSidecar read = VerifiedSidecar.parse(doc.toJson());
        assertThat(read.notRestored()).isTrue();
        assertThat(read.ok()).isFalse();
        assertThat(read.reason()).isEqualTo(VerifiedSidecar.NOT_RESTORED_TEXT);
    }
}
