package io.offsite.backup.restore;

import io.offsite.worker.artifact.BackupKeys;
import io.offsite.worker.artifact.BackupNames;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup object in the bucket, as a listing shows it: its key, size, and the instant its name carries
 * ({@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz} was taken for 2025-01-15T00:00:00Z).
 *
 * @param series the folder the backup is in, e.g. {@code backup-database} or {@code shop-backups/shop_a}
 */
public record StoredBackup(String key, long size, Instant takenAt, String series) {

    /** Suffix of the checksum sidecar written next to each backup ({@code sha256sum} format). */
    public static final String SHA256_SIDECAR = BackupKeys.SHA256_SUFFIX;
    /** Suffix of the verification sidecar written by the verify job. */
    public static final String VERIFIED_SIDECAR = BackupKeys.VERIFIED_SUFFIX;
    /** Folder of uploads still in progress: never a backup. */
    public static final String STAGING_PREFIX = BackupKeys.STAGING_PREFIX;

    public StoredBackup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(series, "series");
    }

    /** The backup behind a key, or empty when the key is a sidecar, a staging object, a run claim or carries no timestamp. */
    public static Optional<StoredBackup> fromKey(String key, long size) {
        if (BackupKeys.isInternal(key) || BackupKeys.isSidecar(key) || key.endsWith("/")) {
            return Optional.empty();
        }
        return timestampOf(key).map(at -> new StoredBackup(key, size, at, seriesOf(key)));
    }

    /** The instant in the file name of a key (the last timestamp in it), if there is one. */
    public static Optional<Instant> timestampOf(String key) {
        return BackupNames.timestamp(BackupKeys.fileNameOf(key));
    }

    /** The folder part of a key ({@code ""} for a key at the top of the bucket). */
    public static String seriesOf(String key) {
        return BackupKeys.folderOf(key);
    }

    /** The file name part of the key. */
    public String fileName() {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    public String verifiedSidecarKey() {
        return key + VERIFIED_SIDECAR;
    }

    public String sha256SidecarKey() {
        return key + SHA256_SIDECAR;
    }
}
