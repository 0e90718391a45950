package io.offsite.worker.artifact;

import java.time.Instant;
import java.util.List;

/**
 * A backup object of a series with the sidecar files that belong to it ({@code <key>.sha256}).
 *
 * @param key the backup's object key
 * @param time when it was taken, read from its name
 * @param size its size in bytes
 * @param sidecars the objects that go with it
 */
public record StoredBackup(String key, Instant time, long size, List<ListedObject> sidecars) {

    /** The sidecar a verification job writes: {@code <key>.verified}, JSON with an {@code outcome} of OK or FAILED. */
    public static final String VERIFIED_SUFFIX = BackupKeys.VERIFIED_SUFFIX;

    public StoredBackup {
        sidecars = List.copyOf(sidecars);
    }

    /** The verification sidecar, when a verification ran. */
    public java.util.Optional<ListedObject> verification() {
        return sidecars.stream().filter(s -> s.key().equals(key + VERIFIED_SUFFIX)).findFirst();
    }

    /** The backup and its sidecars together. */
    public long bytes() {
        return size + sidecars.stream().mapToLong(ListedObject::size).sum();
    }
}
