package io.offsite.backup.config;

import io.offsite.backup.readback.CheckedDownload;
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
 * @param ageIdentityFile the age identity file that opens encrypted backups, so they are restored and checked like
 *        the others; without one an encrypted backup's stored SHA-256 and age header are checked and it is recorded
 *        {@code encrypted, not restored}. Give it only where the verification runs apart from the backups' writer: with
 *        it, this worker can read every backup
 */
@Validated
@ConfigurationProperties("offsite.verify")
public record VerifyProperties(Path tempDir, long tempReserveBytes, String sample, String pgRestorePath, String psqlPath,
                               Duration toolTimeout, Scratch scratch, long maxRestoreBytes,
                               Path ageIdentityFile) {

    public VerifyProperties {
        if (maxRestoreBytes < 0) {
            throw new IllegalArgumentException("offsite.verify.max-restore-bytes must be positive, not " + maxRestoreBytes);
        }
        maxRestoreBytes = maxRestoreBytes == 0 ? CheckedDownload.DEFAULT_MAX_UNRECORDED_BYTES : maxRestoreBytes;
        sample = sample == null ? "newest+random" : sample;
        pgRestorePath = pgRestorePath == null ? "pg_restore" : pgRestorePath;
        psqlPath = psqlPath == null ? "psql" : psqlPath;
        toolTimeout = toolTimeout == null ? Duration.ofHours(1) : toolTimeout;
        scratch = scratch == null ? new Scratch(false, null, null, null, null) : scratch;
    }

    /**
     * A restored dump runs whatever SQL it holds, so the scratch restore uses a role that is not a superuser, cannot
     * create roles and is no member of {@code pg_execute_server_program}, {@code pg_read_server_files} or
     * {@code pg_write_server_files} (a dump's {@code COPY ... TO PROGRAM} then fails): CREATEDB is all it needs. A
     * privileged role is refused before anything is restored.
     *
     * @param enabled restore PostgreSQL dumps for real (off by default: it needs a server and the CREATEDB privilege)
     * @param jdbcUrl a maintenance database of that server, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres};
     *        by default the backup sources' server ({@code offsite.backup.postgres}) and its {@code postgres} database
     * @param database the scratch database, created by (so owned by) the scratch role for each check, dropped after it
     * @param user the scratch role, e.g. {@code offsite_verify} ({@code CREATE ROLE offsite_verify LOGIN CREATEDB PASSWORD '...'});
     *        by default a {@code user=} in the URL, else the backup sources' user
     * @param password its password (a {@code password=} in the URL wins)
     */
    public record Scratch(boolean enabled, String jdbcUrl, String database, String user, String password) {
        public Scratch {
            database = database == null ? "offsite_verify_scratch" : database;
            user = user == null || user.isBlank() ? null : user;
            password = password == null || password.isEmpty() ? null : password;
        }

        @Override
        public String toString() {
            return "Scratch[enabled=" + enabled + ", database=" + database + ", user=" + user + "]";
        }
    }
}
