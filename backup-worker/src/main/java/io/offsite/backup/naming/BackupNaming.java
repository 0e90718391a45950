package io.offsite.backup.naming;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Object keys of backups: {@code <series>/<prefix>-<instant>.<suffix><compression extension>}, the instant in
 * ISO-8601 with milliseconds and {@code :} replaced by {@code -} — the original's naming, e.g.
 * {@code backup-database/pokemon-data-2025-01-15T00-00-00.000Z.sqlite3.db.gz}.
 */
public final class BackupNaming {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private BackupNaming() {
    }

    public static String key(String series, String filePrefix, Instant instant, String fileSuffix, String compressionExtension) {
        return series + "/" + fileName(filePrefix, instant, fileSuffix, compressionExtension);
    }

    public static String fileName(String filePrefix, Instant instant, String fileSuffix, String compressionExtension) {
        return filePrefix + "-" + stamp(instant) + fileSuffix + compressionExtension;
    }

    /** The original's timestamp form of an instant, truncated to milliseconds: {@code 2025-01-15T00-00-00.000Z}. */
    public static String stamp(Instant instant) {
        return STAMP.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }
}
