package io.offsite.backup.naming;

import io.offsite.worker.integrity.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
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

    /**
     * Folder of run claims: {@code _runs/<sha256 of the run id>} records the keys a run stores, so that one run id
     * produces at most one backup. Outside every series: no listing of a series sees it, and rotation never deletes it.
     */
    public static final String RUNS_PREFIX = io.offsite.worker.artifact.BackupKeys.RUNS_PREFIX;

    private BackupNaming() {
    }

    /** The claim object of a run id: {@code _runs/} and the hex SHA-256 of the id's UTF-8 bytes. */
    public static String runClaimKey(String runId) {
        MessageDigest digest = Sha256.newDigest();
        digest.update(runId.getBytes(StandardCharsets.UTF_8));
        return RUNS_PREFIX + Sha256.hex(digest);
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
