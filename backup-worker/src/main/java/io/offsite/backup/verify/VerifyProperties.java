package io.offsite.backup.verify;

import io.offsite.backup.restore.CheckedDownload;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the verification job ({@code offsite.verify}).
 *
 * @param tempDir where backups are decompressed to be checked (default: the backup temp folder); checked for space
 * @param tempReserveBytes free space to leave there beyond the snapshot (default: the backup setting)
 * @param sample which backups a request without {@code key} or {@code sample} checks: {@code newest},
 *        {@code newest+random} (default) or {@code all}
 * @param pgRestorePath the {@code pg_restore} tool; {@code psqlPath} likewise
 * @param toolTimeout how long one {@code pg_restore} or {@code psql} run may take
 * @param scratch a real restore of PostgreSQL dumps into a scratch database, with row counts
 * @param maxRestoreBytes the most a backup whose metadata records no {@code source-bytes} may decompress to (default
 *        64 GiB, and never more than the temp folder's free space beyond the reserve); a backup that records its size
 *        stops at that size. Beyond it the verification fails as a defect before the disk fills
 */
@Validated
@ConfigurationProperties("offsite.verify")
public record VerifyProperties(Path tempDir, long tempReserveBytes, String sample, String pgRestorePath, String psqlPath,
                               Duration toolTimeout, Scratch scratch, long maxRestoreBytes) {

    public VerifyProperties {
        if (maxRestoreBytes < 0) {
            throw new IllegalArgumentException("offsite.verify.max-restore-bytes must be positive, not " + maxRestoreBytes);
        }
        maxRestoreBytes = maxRestoreBytes == 0 ? CheckedDownload.DEFAULT_MAX_UNRECORDED_BYTES : maxRestoreBytes;
        sample = sample == null ? "newest+random" : sample;
        pgRestorePath = pgRestorePath == null ? "pg_restore" : pgRestorePath;
        psqlPath = psqlPath == null ? "psql" : psqlPath;
        toolTimeout = toolTimeout == null ? Duration.ofHours(1) : toolTimeout;
        scratch = scratch == null ? new Scratch(false, null, null) : scratch;
    }

    /**
     * @param enabled restore PostgreSQL dumps for real (off by default: it needs a server and the CREATEDB privilege)
     * @param jdbcUrl a maintenance database of that server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=..&password=..};
     *        by default the backup sources' server ({@code offsite.backup.postgres}) and its {@code postgres} database
     * @param database the scratch database, dropped and created for each check, dropped after it
     */
    public record Scratch(boolean enabled, String jdbcUrl, String database) {
        public Scratch {
            database = database == null ? "offsite_verify_scratch" : database;
        }

        @Override
        public String toString() {
            return "Scratch[enabled=" + enabled + ", database=" + database + "]";
        }
    }
}
