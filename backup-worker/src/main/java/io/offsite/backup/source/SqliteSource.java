package io.offsite.backup.source;

import io.offsite.worker.job.JobFailedException;
import io.offsite.worker.format.Sizes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.core.DB;

/**
 * A SQLite database file. Its snapshot is a page copy by SQLite's backup API into a fresh temp folder: consistent
 * while writers keep committing, in WAL and rollback-journal mode. The temp folder's disk is
 * checked for room first, and the folder is always removed.
 */
public final class SqliteSource implements SnapshotSource {

    private static final int ALL_PAGES = -1;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 300;
    /** Busy retries per call of the backup API: between calls a stopped run is noticed (every half second). */
    private static final int BUSY_RETRIES_PER_CALL = 5;

    private final String name;
    private final Path path;
    private final Path tempDir;
    private final long reserveBytes;

    public SqliteSource(String name, Path path, Path tempDir, long reserveBytes) {
        this.name = name;
        this.path = path;
        this.tempDir = tempDir;
        this.reserveBytes = reserveBytes;
    }

    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public long sizeBytes() throws IOException {
        requireExists();
        return Files.size(path) + sizeIfExists(Path.of(path + "-wal"));
    }

    @Override
    public Snapshot take() throws IOException, InterruptedException {
        long needed = sizeBytes() + reserveBytes;
        Files.createDirectories(tempDir);
        long free = Files.getFileStore(tempDir).getUsableSpace();
        if (free < needed) {
            throw new JobFailedException("INSUFFICIENT_DISK_SPACE", String.format(
                    "not enough free space in %s for a snapshot of %s: needs %s (source plus %s reserve), %s free",
                    tempDir.toAbsolutePath(), path, Sizes.human(needed), Sizes.human(reserveBytes), Sizes.human(free)), false);
        }
        Path folder = Files.createTempDirectory(tempDir, "offsite-snapshot-");
        Path file = folder.resolve(path.getFileName().toString());
        boolean done = false;
        try {
            copyPages(file);
            done = true;
            return new FileSnapshot(file, folder);
        } finally {
            if (!done) {
                deleteTree(folder);
            }
        }
    }

    /**
     * Copies every page in one step of SQLite's online backup API. One step holds a read transaction on the source
     * for the whole copy, so the snapshot is consistent while writers commit (in WAL mode they carry on; in
     * rollback-journal mode they wait for the copy). A copy that is restarted page by page never finishes under
     * continuous writes. The copy is driven from the snapshot's side ("restore" in the driver's terms), opening the
     * source read-only: the snapshot is a scratch file, written without a journal and without syncing to disk, which
     * spares a rollback journal and an fsync of the whole file.
     */
    private void copyPages(Path target) throws InterruptedException {
        ExecutorService runner = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "sqlite-snapshot-" + name);
            t.setDaemon(true);
            return t;
        });
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + target.toAbsolutePath())) {
            try (Statement pragma = c.createStatement()) {
                pragma.execute("PRAGMA journal_mode=OFF");
                pragma.execute("PRAGMA synchronous=OFF");
            }
            DB db = c.unwrap(SQLiteConnection.class).getDatabase();
            AtomicBoolean completed = new AtomicBoolean();
            AtomicBoolean stop = new AtomicBoolean();
            Future<?> copy = runner.submit(() -> {
                // the driver reports progress only after a step that worked; its return code misses failures of the
                // step itself (a file that is no database, a lock never released), so completion is what counts. A
                // call waits for a busy source a little while only, so that a stopped run is noticed between calls
                // (one step copies every page and cannot be interrupted; it runs at disk speed).
                for (int retries = 0; retries < BUSY_RETRIES && !completed.get() && !stop.get(); retries += BUSY_RETRIES_PER_CALL) {
                    int rc = db.restore("main", readOnlyUri(), (remaining, pages) -> completed.compareAndSet(false, remaining == 0),
                            BUSY_SLEEP_MILLIS, BUSY_RETRIES_PER_CALL, ALL_PAGES);
                    if (rc != SQLiteErrorCode.SQLITE_OK.code) {
                        throw new SQLException("backup API returned " + SQLiteErrorCode.getErrorCode(rc));
                    }
                }
                if (!completed.get() && !stop.get()) {
                    throw new SQLException("the copy did not complete: " + whyUnreadable());
                }
                return null;
            });
            try {
                copy.get();
            } catch (InterruptedException e) {
                stop.set(true);
                db.interrupt();
                try {
                    copy.get();
                } catch (ExecutionException | InterruptedException ignored) {
                    // cancelled on purpose; the temp folder is removed by the caller
                }
                throw e;
            } catch (ExecutionException e) {
                throw new JobFailedException("SNAPSHOT_FAILED", "cannot snapshot SQLite source '" + name + "' at " + path
                        + ": " + e.getCause().getMessage(), true, e.getCause());
            }
        } catch (SQLException e) {
            throw new JobFailedException("SNAPSHOT_FAILED", "cannot snapshot SQLite source '" + name + "' at " + path + ": " + e.getMessage(), true, e);
        } finally {
            runner.shutdownNow();
        }
    }

    /** The source as an SQLite URI that opens it read-only. */
    private String readOnlyUri() {
        return "file:" + path.toAbsolutePath() + "?mode=ro";
    }

    /** What SQLite says when the source is read directly: the reason a copy could not start or finish. */
    private String whyUnreadable() {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + readOnlyUri()); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM sqlite_master").close();
            return "the database stayed busy (locked by a writer) for " + BUSY_RETRIES * BUSY_SLEEP_MILLIS / 1000 + " s";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private void requireExists() {
        if (!Files.isRegularFile(path)) {
            throw new JobFailedException("SOURCE_NOT_FOUND", "SQLite source '" + name + "' not found: no file at "
                    + path.toAbsolutePath(), false);
        }
    }

    private static long sizeIfExists(Path file) throws IOException {
        return Files.exists(file) ? Files.size(file) : 0;
    }

    static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private record FileSnapshot(Path file, Path folder) implements Snapshot {

        @Override
        public InputStream stream() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public long sizeBytes() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return -1;
            }
        }

        @Override
        public void close() throws IOException {
            deleteTree(folder);
        }
    }
}
