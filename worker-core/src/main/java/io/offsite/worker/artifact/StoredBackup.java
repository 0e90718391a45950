package io.offsite.worker.artifact;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A backup object in the bucket, as a listing shows it, with the sidecar files that belong to it ({@code <key>.sha256},
 * {@code <key>.verified}) when the listing saw them. {@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz}
 * was taken for 2025-01-15T00:00:00Z.
 *
 * @param key the backup's object key
 * @param time when it was taken, read from its name
 * @param size its size in bytes
 * @param sidecars the objects that go with it, as listed (empty when it was found without a listing of its folder)
 */
public record StoredBackup(String key, Instant time, long size, List<ListedObject> sidecars) {

    public StoredBackup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(time, "time");
        sidecars = List.copyOf(sidecars);
    }

    /** The backup behind a key, or empty when the key is a sidecar, a staging object, a run claim or carries no timestamp. */
    public static Optional<StoredBackup> fromKey(String key, long size) {
        if (BackupKeys.isInternal(key) || BackupKeys.isSidecar(key) || key.endsWith("/")) {
            return Optional.empty();
        }
        return BackupNames.timestamp(BackupKeys.fileNameOf(key)).map(at -> new StoredBackup(key, at, size, List.of()));
    }

    /** The folder the backup is in, e.g. {@code backup-database} or {@code shop-backups/shop_a} ({@code ""} at the top). */
    public String series() {
        return BackupKeys.folderOf(key);
    }

    /** The file name part of the key. */
    public String fileName() {
        return BackupKeys.fileNameOf(key);
    }

    /** Whether the backup is encrypted with age (its key ends in {@link BackupKeys#AGE_SUFFIX}). */
    public boolean encrypted() {
        return BackupKeys.isEncrypted(key);
    }

    public String sha256SidecarKey() {
        return ChecksumSidecar.keyOf(key);
    }

    public String verifiedSidecarKey() {
        return VerifiedSidecar.keyOf(key);
    }

    /** The verification sidecar, when the listing saw one. */
    public Optional<ListedObject> verification() {
        String sidecar = verifiedSidecarKey();
        return sidecars.stream().filter(s -> s.key().equals(sidecar)).findFirst();
    }

    /** The backup and its sidecars together. */
    public long bytes() {
        return size + sidecars.stream().mapToLong(ListedObject::size).sum();
    }
}
