package io.offsite.backup.config;

import io.offsite.worker.artifact.BackupKeys;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The backup worker's settings: the sources it may back up (requests name one; never a path) and how.
 *
 * @param sources configured sources by name
 * @param tempDir where snapshots are written before they are streamed, inside a sub-folder each worker process owns
 *                ({@code offsite-worker-<pid>-<random>/}, locked while the process lives, removed when it stops; what a
 *                killed process left is removed by the next sweep); space is reserved per job, always released
 * @param tempReserveBytes free space to leave on the temp folder's disk beyond the snapshot itself
 * @param tempSweepInterval how often the temp folders are swept of what stopped processes left (also at start);
 *                          {@code 0s} sweeps at start only
 * @param tempLeftoverAge how long leftovers without a lock (snapshot folders and verification files of earlier versions)
 *                        must have been unchanged before a sweep removes them
 * @param verify how the job checks what the store holds once it is published: {@code checksum} (default) compares
 *               the size and the store's own MD5 of the object (its ETag) with what was sent, re-reading the object
 *               where the ETag is not an MD5 or differs (KMS-encrypted objects have opaque ETags); {@code full} always re-reads it and checks size and SHA-256;
 *               {@code size} checks the size only; {@code none} skips the check (the VERIFY job still restores it)
 * @param sidecar also store {@code <key>.sha256} in {@code sha256sum} format
 * @param progressInterval how often long backups log progress
 * @param encryption the age recipients every source's backups are encrypted to, unless a source sets its own; none (the
 *                   default) stores backups in clear
 */
@Validated
@ConfigurationProperties("offsite.backup")
public record BackupProperties(
        @NotNull Map<String, @Valid Source> sources,
        Path tempDir,
        long tempReserveBytes,
        Duration tempSweepInterval,
        Duration tempLeftoverAge,
        Verify verify,
        Boolean sidecar,
        Duration progressInterval,
        @Valid Postgres postgres,
        Encryption encryption) {

    public BackupProperties {
        sources = sources == null ? Map.of() : Map.copyOf(sources);
        tempDir = tempDir == null ? Path.of(System.getProperty("java.io.tmpdir")) : tempDir;
        tempReserveBytes = tempReserveBytes == 0 ? 64L * 1024 * 1024 : tempReserveBytes;
        tempSweepInterval = tempSweepInterval == null ? Duration.ofMinutes(5) : tempSweepInterval;
        tempLeftoverAge = tempLeftoverAge == null ? Duration.ofHours(1) : tempLeftoverAge;
        if (tempSweepInterval.isNegative() || tempLeftoverAge.isNegative()) {
            throw new IllegalArgumentException("offsite.backup.temp-sweep-interval and temp-leftover-age must not be negative");
        }
        verify = verify == null ? Verify.CHECKSUM : verify;
        sidecar = sidecar == null ? Boolean.TRUE : sidecar;
        progressInterval = progressInterval == null ? Duration.ofSeconds(5) : progressInterval;
        postgres = postgres == null ? new Postgres(null, 0, null, null, null, null, null) : postgres;
        encryption = encryption == null ? new Encryption(null) : encryption;
    }

    /**
     * Encryption of stored backups with age: the backup worker holds only these public keys, so it cannot read a backup
     * it wrote.
     *
     * @param recipients age X25519 recipients ({@code age1…}); any one's identity opens the backups; several at once
     *                   while keys are rotated. Empty: backups are stored in clear (on a source: in clear even when a
     *                   global setting exists)
     */
    public record Encryption(java.util.List<String> recipients) {
        public Encryption {
            recipients = recipients == null ? java.util.List.of() : java.util.List.copyOf(recipients);
        }

        public boolean enabled() {
            return !recipients.isEmpty();
        }
    }

    /**
     * Default connection of PostgreSQL sources (from {@code POSTGRES_HOST}, {@code POSTGRES_PORT}, {@code POSTGRES_USER},
     * {@code POSTGRES_PASSWORD}, {@code POSTGRES_DB}); a source may override each value. The database is the one a
     * source dumps when it lists none.
     */
    public record Postgres(String host, int port, String user, String password, String database, String pgDumpPath,
                           Duration lockWaitTimeout) {
        public Postgres {
            host = host == null ? "127.0.0.1" : host;
            port = port == 0 ? 5432 : port;
            user = user == null ? "postgres" : user;
            database = database == null || database.isBlank() ? null : database.strip();
            pgDumpPath = pgDumpPath == null ? "pg_dump" : pgDumpPath;
            lockWaitTimeout = lockWaitTimeout == null ? io.offsite.backup.source.PostgresSource.DEFAULT_LOCK_WAIT_TIMEOUT : lockWaitTimeout;
        }

        @Override
        public String toString() {
            return "Postgres[" + user + "@" + host + ":" + port + "]";
        }
    }

    public enum Verify { FULL, CHECKSUM, SIZE, NONE }

    public enum SourceType { SQLITE, POSTGRES }

    /**
     * One source.
     *
     * @param type sqlite or postgres
     * @param path the SQLite database file
     * @param series key prefix (folder) of this source's backups in the bucket; the rotation series of the same name
     * @param filePrefix first part of each backup's file name
     * @param fileSuffix extension of the snapshot before compression, e.g. {@code .sqlite3.db}
     * @param compression gzip (default), zstd or none
     * @param level compression level (gzip 1–9, zstd 1–19); 0 means the codec's default
     * @param databases PostgreSQL databases to dump (each into its own object under {@code <series>/<database>/} when
     *                  several); none means the default database ({@code POSTGRES_DB})
     * @param format PostgreSQL dump format: custom (default, for pg_restore) or plain (SQL for psql)
     * @param host PostgreSQL host overriding the default connection; likewise port, user, password
     * @param pgDumpPath the {@code pg_dump} this source uses (its major version must be at least the server's),
     *                   overriding {@code offsite.backup.postgres.pg-dump-path}
     * @param encryption this source's age recipients, overriding {@code offsite.backup.encryption} (an empty list stores
     *                   this source in clear); null: the global setting
     */
    public record Source(
            @NotNull SourceType type,
            Path path,
            @NotBlank String series,
            @NotBlank String filePrefix,
            String fileSuffix,
            String compression,
            @Min(0) @Max(22) int level,
            java.util.List<String> databases,
            String format,
            String host,
            Integer port,
            String user,
            String password,
            String pgDumpPath,
            Encryption encryption) {

        public Source {
            if (series != null && (series.startsWith("/") || series.endsWith("/") || series.contains("..") || series.contains("//")
                    || BackupKeys.startsLikeInternal(series) || series.chars().anyMatch(Character::isISOControl))) {
                throw new IllegalArgumentException("series '" + series + "' must be a folder name like backup-database or shop/backups: "
                        + "no leading or trailing '/', no '..', not inside " + String.join(" or ", BackupKeys.INTERNAL_FOLDERS) + " (the worker's own folders)");
            }
            databases = databases == null ? java.util.List.of() : java.util.List.copyOf(databases);
            format = format == null ? "custom" : format;
            fileSuffix = fileSuffix == null ? (type == SourceType.SQLITE ? ".sqlite3.db" : "plain".equalsIgnoreCase(format) ? ".sql" : ".dump") : fileSuffix;
            compression = compression == null ? "gzip" : compression;
        }

        @Override
        public String toString() {
            return "Source[" + type + " " + (path != null ? path : host + ":" + port + "/" + databases) + " -> " + series + "]";
        }
    }
}
