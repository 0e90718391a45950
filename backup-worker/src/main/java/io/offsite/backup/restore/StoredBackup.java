package io.offsite.backup.restore;

import io.offsite.backup.naming.BackupNaming;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A backup object in the bucket, as a listing shows it: its key, size, and the instant its name carries
 * ({@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz} was taken for 2025-01-15T00:00:00Z).
 *
 * @param series the folder the backup is in, e.g. {@code backup-database} or {@code shop-backups/shop_a}
 */
public record StoredBackup(String key, long size, Instant takenAt, String series) {

    /** Suffix of the checksum sidecar written next to each backup ({@code sha256sum} format). */
    public static final String SHA256_SIDECAR = ".sha256";
    /** Suffix of the verification sidecar written by the verify job. */
    public static final String VERIFIED_SIDECAR = ".verified";
    /** Folder of uploads still in progress: never a backup. */
    public static final String STAGING_PREFIX = "_incoming/";

    private static final Pattern STAMP = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})T(\\d{2})-(\\d{2})-(\\d{2})(\\.\\d{1,9})?Z");

    public StoredBackup {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(takenAt, "takenAt");
        Objects.requireNonNull(series, "series");
    }

    /** The backup behind a key, or empty when the key is a sidecar, a staging object, a run claim or carries no timestamp. */
    public static Optional<StoredBackup> fromKey(String key, long size) {
        if (key.startsWith(STAGING_PREFIX) || key.startsWith(BackupNaming.RUNS_PREFIX) || key.endsWith(SHA256_SIDECAR) || key.endsWith(VERIFIED_SIDECAR) || key.endsWith("/")) {
            return Optional.empty();
        }
        return timestampOf(key).map(at -> new StoredBackup(key, size, at, seriesOf(key)));
    }

    /** The instant in the file name of a key (the last timestamp in it), if there is one. */
    public static Optional<Instant> timestampOf(String key) {
        String name = key.substring(key.lastIndexOf('/') + 1);
        Matcher m = STAMP.matcher(name);
        Instant found = null;
        while (m.find()) {
            String fraction = m.group(5) == null ? "" : m.group(5);
            found = Instant.parse(m.group(1) + "T" + m.group(2) + ":" + m.group(3) + ":" + m.group(4) + fraction + "Z");
        }
        return Optional.ofNullable(found);
    }

    /** The folder part of a key ({@code ""} for a key at the top of the bucket). */
    public static String seriesOf(String key) {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? "" : key.substring(0, slash);
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
