package io.offsite.backup.verify;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.compress.ContentDigest;
import io.offsite.backup.compress.HashingInputStream;
import io.offsite.backup.crypt.AgeHeader;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.worker.artifact.VerifiedSidecar;
import java.io.OutputStream;
import io.offsite.backup.readback.BackupDefectException;
import io.offsite.backup.readback.CheckedDownload;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.Report;
import io.offsite.backup.readback.SnapshotKind;
import io.offsite.backup.readback.SqliteDatabase;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.backup.catalog.VerificationRecord;
import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.worker.artifact.BackupMetadata;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Proves one backup restorable: downloads it streaming, checks the stored and the snapshot SHA-256, decompresses it
 * into this process's temp folder (its recorded size reserved on the disk first, always removed, then the space released;
 * decompression stops at the recorded {@code source-bytes}) and opens it the way a restore would — SQLite:
 * {@code PRAGMA integrity_check} and row counts; PostgreSQL custom format: {@code pg_restore --list}; plain SQL: the
 * dump trailer; optionally a real restore into a scratch database with row counts.
 *
 * <p>A bad backup gives a {@code FAILED} record with the reason; trouble that is not the backup's (the store
 * unreachable, no space, a tool missing) is thrown.
 */
public final class BackupVerifier {

    /**
     * @param temp where snapshots are decompressed: this process's folder, with the ledger of its disk
     * @param scratch maintenance connection of the server where PostgreSQL dumps are really restored; empty to only list them
     * @param maxRestoreBytes the most a backup without recorded {@code source-bytes} may decompress to
     * @param identity opens encrypted backups; empty: they are checked without being restored
     */
    public record Settings(InstanceFolder temp, long tempReserveBytes, Optional<PgConnection> scratch, String scratchDatabase, long maxRestoreBytes,
                           Optional<AgeIdentity> identity) {
        public Settings(InstanceFolder temp, long tempReserveBytes, Optional<PgConnection> scratch, String scratchDatabase, long maxRestoreBytes) {
            this(temp, tempReserveBytes, scratch, scratchDatabase, maxRestoreBytes, Optional.empty());
        }
    }

    private final BackupCatalog catalog;
    private final PostgresTools postgres;
    private final Settings settings;
    private final Clock clock;

    public BackupVerifier(BackupCatalog catalog, PostgresTools postgres, Settings settings, Clock clock) {
        this.catalog = catalog;
        this.postgres = postgres;
        this.settings = settings;
        this.clock = clock;
    }

    public VerificationRecord verify(StoredBackup backup, Report report) throws IOException, InterruptedException, SQLException {
        report.line("Verifying {}...", backup.key());
        StoredObject head = catalog.head(backup);
        CheckedDownload download = new CheckedDownload(catalog.store(), report, settings.maxRestoreBytes(), settings.tempReserveBytes(),
                settings.temp().ledger()).withIdentity(settings.identity());
        if (settings.identity().isEmpty() && download.expected(head).encrypted()) {
            return sealed(backup, head, download.expected(head), report);
        }
        download.requireReadable(head);
        Path file = settings.temp().newFile("verify-", ".tmp");
        SpaceLedger.Reservation space = null;
        try {
            CheckedDownload.Expected expected = download.expected(head);
            // a backup that records no size reserves nothing: its decompression stops at the room left beyond the reserve
            space = settings.temp().reserve("decompressing " + backup.key(), file, expected.snapshotBytes(), settings.tempReserveBytes());
            CheckedDownload.Result result = download.fetch(head, file);
            Map<String, Long> tables = switch (result.kind()) {
                case SQLITE -> sqlite(file, report);
                case POSTGRES_CUSTOM -> custom(file, report);
                case POSTGRES_PLAIN -> plain(file, report);
                case UNKNOWN -> throw new BackupDefectException(backup.key() + " holds neither a SQLite database nor a pg_dump file");
            };
            report.line("Verified {}: OK", backup.key());
            return VerificationRecord.ok(backup.key(), clock.instant(), result.storedSha256(), result.snapshotSha256(), result.kind(), tables);
        } catch (BackupDefectException e) {
            report.line("Verification FAILED for {}: {}", backup.key(), e.getMessage());
            return VerificationRecord.failed(backup.key(), clock.instant(), e.getMessage(), head.meta(BackupMetadata.SHA256).orElse(null));
        } finally {
            try {
                SqliteDatabase.deleteWithJournals(file);
            } finally {
                if (space != null) {
                    space.close();
                }
            }
        }
    }

    /**
     * An encrypted backup checked without its identity: the stored bytes against their recorded SHA-256 and size, and
     * the age header; recorded {@code encrypted, not restored} (neither a pass nor a failure), or {@code FAILED}.
     */
    private VerificationRecord sealed(StoredBackup backup, StoredObject head, CheckedDownload.Expected expected, Report report) throws IOException {
        ContentDigest digest;
        String headerProblem = null;
        try (HashingInputStream in = new HashingInputStream(catalog.store().open(head.key()))) {
            try {
                AgeHeader.read(in);
            } catch (IOException e) {
                if (e instanceof java.io.InterruptedIOException) {
                    throw e;
                }
                headerProblem = e.getMessage();
            }
            in.transferTo(OutputStream.nullOutputStream());
            digest = in.digest();
        }
        String problem = null;
        if (!digest.sha256().equals(expected.storedSha256()) || digest.size() != head.size()) {
            problem = "checksum mismatch: " + head.key() + " has sha256 " + digest.sha256() + " (" + digest.size() + " bytes), but "
                    + expected.storedSha256() + " was recorded when it was stored: the object is damaged; use another backup";
        } else if (headerProblem != null) {
            problem = head.key() + " matches its checksum but is not a sound age file (" + headerProblem + "): the backup was written damaged";
        }
        if (problem != null) {
            report.line("Verification FAILED for {}: {}", backup.key(), problem);
            return VerificationRecord.failed(backup.key(), clock.instant(), problem, head.meta(BackupMetadata.SHA256).orElse(null));
        }
        report.line("Checksum OK ({}); age header OK, encrypted to {}", digest.sha256(), expected.recipientsText());
        report.line("Verified {}: {} (no age identity given: offsite.verify.age-identity-file)", backup.key(), VerifiedSidecar.NOT_RESTORED_TEXT);
        return VerificationRecord.encryptedNotRestored(backup.key(), clock.instant(), digest.sha256());
    }

    private Map<String, Long> sqlite(Path file, Report report) throws SQLException {
        SqliteDatabase db = new SqliteDatabase(file);
        List<String> problems = db.integrityCheck();
        if (!problems.equals(List.of("ok"))) {
            throw new BackupDefectException("integrity_check failed: " + String.join("; ", problems.subList(0, Math.min(5, problems.size())))
                    + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""));
        }
        report.line("integrity_check: ok");
        Map<String, Long> counts = db.rowCounts();
        report.line("Rows: {}", rows(counts));
        return counts;
    }

    private Map<String, Long> custom(Path file, Report report) throws IOException, InterruptedException, SQLException {
        List<String> toc = postgres.list(file);
        List<String> tables = PostgresTools.tableData(toc);
        report.line("pg_restore --list: {} entries, data of {} tables ({})", toc.size(), tables.size(), String.join(", ", tables));
        return scratchRestore(file, SnapshotKind.POSTGRES_CUSTOM, report);
    }

    private Map<String, Long> plain(Path file, Report report) throws IOException, InterruptedException, SQLException {
        PostgresTools.checkPlain(file);
        report.line("SQL dump is complete (ends with the pg_dump trailer)");
        return scratchRestore(file, SnapshotKind.POSTGRES_PLAIN, report);
    }

    private Map<String, Long> scratchRestore(Path file, SnapshotKind kind, Report report) throws IOException, InterruptedException, SQLException {
        if (settings.scratch().isEmpty()) {
            return Map.of();
        }
        PgConnection maintenance = settings.scratch().get();
        PostgresTools.requireUnprivileged(maintenance, "offsite.verify.scratch.user");
        PgConnection scratch = PostgresTools.recreateDatabase(maintenance, settings.scratchDatabase());
        try {
            report.line("Restoring into scratch database {}...", scratch);
            try {
                postgres.restore(file, kind, scratch);
            } catch (PostgresTools.ToolFailedException e) {
                throw new BackupDefectException("a restore into a scratch database failed: " + e.getMessage(), e);
            }
            Map<String, Long> counts = PostgresTools.rowCounts(scratch);
            report.line("Rows: {}", rows(counts));
            return counts;
        } finally {
            PostgresTools.dropDatabase(maintenance, settings.scratchDatabase());
        }
    }

    static String rows(Map<String, Long> counts) {
        return counts.isEmpty() ? "no tables" : counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
