package io.offsite.backup.restore;

import io.offsite.backup.catalog.BackupCatalog;
import io.offsite.backup.catalog.BackupChoice;
import io.offsite.backup.crypt.AgeIdentity;
import io.offsite.backup.readback.BackupDefectException;
import io.offsite.backup.readback.CheckedDownload;
import io.offsite.backup.readback.OwnerOnly;
import io.offsite.backup.readback.PgConnection;
import io.offsite.backup.readback.PostgresTools;
import io.offsite.backup.readback.Report;
import io.offsite.backup.readback.RestoreException;
import io.offsite.backup.readback.SnapshotKind;
import io.offsite.backup.readback.SqliteDatabase;
import io.offsite.backup.readback.TempSpace;
import io.offsite.worker.artifact.StoredBackup;
import io.offsite.worker.artifact.BackupNames;
import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.backup.temp.TempSweeper;
import io.offsite.worker.format.Sizes;
import io.offsite.worker.storage.StoredObject;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Restores a backup over a SQLite file or into a PostgreSQL database. Nothing is touched until the backup has been
 * downloaded, both its checksums matched and it passed its integrity check; the current database is kept as a
 * safety copy ({@code <name>.pre-restore-<instant>}), and a SQLite file is replaced atomically by a rename.
 * Refuses to overwrite without {@code force}, and refuses a target another process has open.
 */
public final class Restorer {

    /** Which backup to restore. */
    public sealed interface Selection {
        record Key(String key) implements Selection {
        }

        record Latest() implements Selection {
        }

        /** The newest backup taken at or before the instant. */
        record AsOf(Instant instant) implements Selection {
        }
    }

    /** What was restored where, and the safety copy of what was there before. */
    public record Result(StoredBackup backup, String target, Optional<Path> safetyCopy, Map<String, Long> tables) {
    }

    /** How long a leftover without a lock must be unchanged before a restore's sweep removes it. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);

    private final BackupCatalog catalog;
    private final PostgresTools postgres;
    private final Clock clock;
    private final Report report;
    private final Optional<AgeIdentity> identity;

    public Restorer(BackupCatalog catalog, PostgresTools postgres, Clock clock, Report report) {
        this(catalog, postgres, clock, report, Optional.empty());
    }

    /** @param identity opens backups encrypted with age (empty: an encrypted backup is refused before the target is touched) */
    public Restorer(BackupCatalog catalog, PostgresTools postgres, Clock clock, Report report, Optional<AgeIdentity> identity) {
        this.catalog = catalog;
        this.postgres = postgres;
        this.clock = clock;
        this.report = report;
        this.identity = identity;
    }

    /**
     * The backup a selection names in a series. Latest and as-of pass over backups dated after now +
     * {@link BackupChoice#FUTURE_SKEW}, and the report says how many; a key names any backup.
     */
    public StoredBackup choose(String series, Selection selection) {
        Objects.requireNonNull(selection, "selection");
        if (selection instanceof Selection.Key key) {
            return catalog.find(key.key()).orElseThrow(() -> new RestoreException("no backup with key '" + key.key()
                    + "' in bucket " + catalog.store().bucket() + "; list them with 'offsite backups'"));
        }
        Instant now = clock.instant();
        List<StoredBackup> listed = catalog.list(series);
        BackupChoice.Dated dated = BackupChoice.split(listed, now);
        if (!dated.futureDated().isEmpty()) {
            report.line("{}", dated.describeIgnored(now));
            if (dated.current().isEmpty()) {
                throw new RestoreException("every backup in '" + series + "' is dated after " + now.plus(BackupChoice.FUTURE_SKEW)
                        + " (a wrong clock or a forged request): check them with 'offsite backups', and restore one by key if it is genuine");
            }
        }
        List<StoredBackup> backups = dated.current();
        if (selection instanceof Selection.AsOf asOf) {
            return BackupChoice.asOf(backups, series, asOf.instant());
        }
        return BackupChoice.latest(backups, series);
    }

    /**
     * Restores {@code backup} over the SQLite file {@code target}. A symbolic link is followed: the file it points to
     * is replaced (the link stays), and the report names both. The restored file gets the mode and owner of the file
     * it replaces ({@code 0600} when there was none); until then it is readable by this user alone.
     */
    public Result toSqlite(StoredBackup backup, Path target, boolean force) throws IOException, SQLException {
        Path given = target.toAbsolutePath().normalize();
        Path file = given;
        if (Files.isSymbolicLink(given)) {
            try {
                file = given.toRealPath();
            } catch (java.nio.file.NoSuchFileException e) {
                throw new RestoreException(given + " is a symbolic link to " + Files.readSymbolicLink(given)
                        + ", which does not exist: restore into the real path, or fix the link");
            }
        }
        Path folder = file.getParent();
        if (Files.isDirectory(file)) {
            throw new RestoreException(file + " is a folder: name the database file to restore, e.g. --to " + file.resolve("data.db"));
        }
        if (folder == null || !Files.isDirectory(folder)) {
            throw new RestoreException("folder " + folder + " does not exist: create it first, or restore somewhere else");
        }
        String stamp = BackupNames.stamp(clock.instant());
        Path safety = folder.resolve(file.getFileName() + ".pre-restore-" + stamp);
        boolean exists = Files.exists(file);
        if (exists && !force) {
            throw new RestoreException(file + " exists: add --force to replace it (the current file is kept as " + safety.getFileName() + ")");
        }
        refuseIfInUse(file);
        if (!file.equals(given)) {
            report.line("Restoring into {} (via symlink {})", file, given);
        }
        report.line("Restoring {} ({}) to {}", backup.key(), Sizes.human(backup.size()), file);
        StoredObject head = catalog.head(backup);
        CheckedDownload download = new CheckedDownload(catalog.store(), report).withIdentity(identity);
        download.requireReadable(head);
        TempSpace.check(folder, download.expected(head).snapshotBytes(), 0);
        Path temp = folder.resolve("." + file.getFileName() + ".restore-" + stamp + ".tmp");
        try {
            CheckedDownload.Result fetched = download.fetch(head, temp);
            if (fetched.kind() != SnapshotKind.SQLITE) {
                throw new RestoreException(backup.key() + " is a " + fetched.kind().description() + ", not a SQLite database: restore it with --to-postgres JDBC_URL");
            }
            List<String> problems = new SqliteDatabase(temp).integrityCheck();
            if (!problems.equals(List.of("ok"))) {
                throw new BackupDefectException("the restored database fails integrity_check (" + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                        + "): " + file + " was left untouched; use another backup");
            }
            report.line("integrity_check: ok");
            refuseIfInUse(file);
            Optional<Path> kept = Optional.empty();
            if (Files.exists(file)) {
                takeOverAccess(file, temp);
                keep(file, safety);
                kept = Optional.of(safety);
                report.line("Kept the current database as {}", safety);
            }
            replace(temp, file);
            Map<String, Long> tables = new SqliteDatabase(file).rowCounts();
            report.line("Rows: {}", rows(tables));
            report.line("Restored {} from {}{}", file, backup.key(), file.equals(given) ? "" : " (via symlink " + given + ")");
            return new Result(backup, file.toString(), kept, tables);
        } finally {
            SqliteDatabase.deleteWithJournals(temp);
        }
    }

    /**
     * Restores a PostgreSQL dump into {@code target}, with {@code pg_restore} (custom format) or {@code psql} (plain SQL).
     * A database holding tables is first dumped to {@code safetyFolder} and emptied (only with {@code force}).
     */
    public Result toPostgres(StoredBackup backup, PgConnection target, Path workFolder, Path safetyFolder, boolean force)
            throws IOException, SQLException, InterruptedException {
        List<String> sessions = PostgresTools.otherSessions(target);
        if (!sessions.isEmpty()) {
            throw new RestoreException(sessions.size() + " other session(s) are connected to " + target + ": " + String.join(", ", sessions)
                    + "; stop the applications using it, then run the restore again");
        }
        Map<String, Long> current = PostgresTools.rowCounts(target);
        String stamp = BackupNames.stamp(clock.instant());
        Path safety = safetyFolder.toAbsolutePath().resolve(target.database() + ".pre-restore-" + stamp + ".dump");
        if (!current.isEmpty() && !force) {
            throw new RestoreException("database " + target + " holds " + current.size() + " table(s): add --force to replace its content"
                    + " (it is dumped to " + safety + " first)");
        }
        report.line("Restoring {} ({}) into {}", backup.key(), Sizes.human(backup.size()), target);
        StoredObject head = catalog.head(backup);
        CheckedDownload download = new CheckedDownload(catalog.store(), report).withIdentity(identity);
        download.requireReadable(head);
        sweep(workFolder);
        try (InstanceFolder work = InstanceFolder.create(workFolder, SpaceLedger.of(workFolder))) {
            Path temp = work.newFile("restore-", ".tmp");
            try (SpaceLedger.Reservation space = work.reserve("the dump of " + backup.key(), temp, download.expected(head).snapshotBytes(), 0)) {
                return restoreDump(backup, head, download, temp, target, current, safety);
            } catch (io.offsite.backup.temp.InsufficientDiskSpaceException e) {
                throw new TempSpace.InsufficientSpaceException(e.getMessage(), e);
            }
        }
    }

    private Result restoreDump(StoredBackup backup, StoredObject head, CheckedDownload download, Path temp, PgConnection target,
                               Map<String, Long> current, Path safety) throws IOException, SQLException, InterruptedException {
        try {
            CheckedDownload.Result fetched = download.fetch(head, temp);
            switch (fetched.kind()) {
                case POSTGRES_CUSTOM -> report.line("pg_restore --list: {} entries", postgres.list(temp).size());
                case POSTGRES_PLAIN -> {
                    PostgresTools.checkPlain(temp);
                    report.line("SQL dump is complete (ends with the pg_dump trailer)");
                }
                default -> throw new RestoreException(backup.key() + " is a " + fetched.kind().description()
                        + ", not a PostgreSQL dump: restore it with --to PATH");
            }
            Optional<Path> kept = Optional.empty();
            if (!current.isEmpty()) {
                OwnerOnly.createFolders(safety.getParent());
                // written under a partial name and renamed when complete: a killed restore leaves no dump that looks whole;
                // created 0600 before pg_dump writes into it (pg_dump keeps the mode of a file it truncates)
                Path partial = safety.resolveSibling(safety.getFileName() + ".partial");
                Files.deleteIfExists(partial);
                OwnerOnly.createFile(partial);
                try {
                    postgres.dump(target, partial);
                    Files.move(partial, safety, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
                kept = Optional.of(safety);
                report.line("Kept the current database as {}", safety);
                PostgresTools.empty(target);
            }
            try {
                postgres.restore(temp, fetched.kind(), target);
            } catch (RestoreException e) {
                throw new RestoreException(e.getMessage() + kept.map(p -> "; the previous content is in " + p + ": bring it back with pg_restore --no-owner --dbname="
                        + target.database() + " " + p).orElse(""), e);
            }
            Map<String, Long> tables = PostgresTools.rowCounts(target);
            report.line("Rows: {}", rows(tables));
            report.line("Restored {} from {}", target, backup.key());
            return new Result(backup, target.toString(), kept, tables);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Removes what killed restores and workers left in {@code folder} (folders whose owner is gone, see
     * {@link TempSweeper}); a live process's files are never touched.
     */
    private void sweep(Path folder) {
        try {
            for (TempSweeper.Swept swept : new TempSweeper(clock, LEFTOVER_AGE).sweep(folder)) {
                report.line("Removed {} left by a stopped process ({})", swept.path(), Sizes.human(swept.bytes()));
            }
        } catch (IOException e) {
            report.line("Cannot sweep {} of leftovers ({}); going on", folder, e.getMessage());
        }
    }

    private void refuseIfInUse(Path file) throws SQLException {
        Optional<String> inUse = new SqliteDatabase(file).inUse();
        if (inUse.isPresent()) {
            throw new RestoreException(inUse.get() + ": stop the application using it, then run the restore again");
        }
    }

    /**
     * Gives the restored file the mode, owner and group of the file it replaces. An owner this process may not give
     * (not root) is reported, and the restored file stays this user's.
     */
    private void takeOverAccess(Path current, Path restored) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(restored, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        PosixFileAttributes was = Files.readAttributes(current, PosixFileAttributes.class);
        view.setPermissions(was.permissions());
        PosixFileAttributes now = view.readAttributes();
        try {
            if (!now.owner().equals(was.owner())) {
                view.setOwner(was.owner());
            }
            if (!now.group().equals(was.group())) {
                view.setGroup(was.group());
            }
        } catch (IOException e) {
            report.line("Cannot give the restored file the owner {}:{} of {} ({}); it belongs to {}:{}", was.owner().getName(), was.group().getName(),
                    current, e.getMessage(), now.owner().getName(), now.group().getName());
        }
    }

    /** Keeps the current file under the safety name: a hard link (instant, no extra space), else a copy. */
    private static void keep(Path file, Path safety) throws IOException {
        try {
            Files.createLink(safety, file);
        } catch (UnsupportedOperationException | IOException e) {
            Files.copy(file, safety, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    private static void replace(Path temp, Path file) throws IOException {
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new RestoreException("cannot replace " + file + " atomically (" + e.getMessage() + "); it was left untouched", e);
        }
    }

    static String rows(Map<String, Long> counts) {
        return counts.isEmpty() ? "no tables" : String.join(", ", counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
