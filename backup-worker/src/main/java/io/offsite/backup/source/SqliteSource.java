package io.offsite.backup.source;

import io.offsite.backup.temp.DiskFull;
import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.InsufficientDiskSpaceException;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.backup.temp.TempSweeper;
import io.offsite.worker.job.JobFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.core.DB;

/**
 * A SQLite database file. Its snapshot is a page copy by SQLite's backup API into a fresh folder inside this process's
 * {@link InstanceFolder}: consistent while writers keep committing, in WAL and rollback-journal mode. Room for the
 * copy plus the reserve is reserved on the temp disk first (other running jobs' reservations count), and the folder
 * is always removed, then the reservation released. A disk that fills up during the copy anyway (another program
 * wrote there) fails {@code INSUFFICIENT_DISK_SPACE} with the free bytes at that moment, not as a busy source.
 */
public final class SqliteSource implements SnapshotSource {

    private static final int ALL_PAGES = -1;
    private static final int BUSY_SLEEP_MILLIS = 100;
    private static final int BUSY_RETRIES = 300;
    /** Busy retries per call of the backup API: between calls a stopped run is noticed (every half second). */
    private static final int BUSY_RETRIES_PER_CALL = 5;
    /** Less room than this on the temp disk after a copy that did not complete is a full disk, whatever remained to copy. */
    private static final long MIN_ROOM_BYTES = 64 * 1024;

    private final String name;
    private final Path path;
    private final InstanceFolder temp;
    private final long reserveBytes;

    public SqliteSource(String name, Path path, InstanceFolder temp, long reserveBytes) {
        this.name = name;
        this.path = path;
        this.temp = temp;
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
        long expected = sizeBytes();
        Path folder = temp.newFolder("snapshot-");
        Path file = folder.resolve(path.getFileName().toString());
        SpaceLedger.Reservation reservation = null;
        boolean done = false;
        try {
            try {
                reservation = temp.reserve("a snapshot of " + path, folder, expected, reserveBytes);
            } catch (InsufficientDiskSpaceException e) {
                throw new JobFailedException(InsufficientDiskSpaceException.REASON, e.getMessage(), true, e);
            }
            copyPages(file, expected);
            done = true;
            return new FileSnapshot(file, folder, reservation);
        } finally {
            if (!done) {
                try {
                    TempSweeper.deleteTree(folder);
                } finally {
                    if (reservation != null) {
                        reservation.close();
                    }
                }
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
    private void copyPages(Path target, long expectedBytes) throws InterruptedException {
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
            long started = System.nanoTime();
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
                    // the driver returns the source's result code: a write that failed on the snapshot's side (SQLITE_FULL)
                    // shows only as a copy that did not complete. The disk says whether the rest could have been written.
                    if (!completed.get()) {
                        requireRoomFor(target, expectedBytes);
                    }
                }
                if (!completed.get() && !stop.get()) {
                    throw new SQLException("the copy did not complete: " + whyUnreadable(Duration.ofNanos(System.nanoTime() - started)));
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
                throw failure(e.getCause(), target);
            }
        } catch (SQLException e) {
            throw failure(e, target);
        } finally {
            runner.shutdownNow();
        }
    }

    /** The source as an SQLite URI that opens it read-only. */
    private String readOnlyUri() {
        return "file:" + path.toAbsolutePath() + "?mode=ro";
    }

    /**
     * Fails with {@link InsufficientDiskSpaceException} when the disk of {@code target} has less room than the rest of
     * the copy needs (what the source holds less what was written; at least one page).
     */
    private void requireRoomFor(Path target, long expectedBytes) throws IOException {
        long written = SpaceLedger.treeSize(target);
        long free = freeBytes(target);
        if (free < Math.max(expectedBytes - written, MIN_ROOM_BYTES)) {
            throw InsufficientDiskSpaceException.whileWriting(target.getParent(), free, String.format(
                    "the SQLite page copy of %s (%d of about %d bytes written)", path, written, expectedBytes), null);
        }
    }

    /** The free bytes of the disk that holds {@code target} now (-1 when it cannot be read). */
    private static long freeBytes(Path target) {
        try {
            return Files.getFileStore(target.getParent()).getUsableSpace();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The job failure for {@code cause}: a full disk is {@code INSUFFICIENT_DISK_SPACE}, anything else {@code SNAPSHOT_FAILED}. */
    private JobFailedException failure(Throwable cause, Path target) {
        if (cause instanceof InsufficientDiskSpaceException full) {
            return new JobFailedException(InsufficientDiskSpaceException.REASON, full.getMessage(), true, full);
        }
        if (DiskFull.caused(cause)) {
            long free = freeBytes(target);
            InsufficientDiskSpaceException full = InsufficientDiskSpaceException.whileWriting(target.getParent(), free,
                    "the SQLite page copy of " + path + " (" + cause.getMessage() + ")", cause);
            return new JobFailedException(InsufficientDiskSpaceException.REASON, full.getMessage(), true, full);
        }
        return new JobFailedException("SNAPSHOT_FAILED", "cannot snapshot SQLite source '" + name + "' at " + path + ": " + cause.getMessage(), true, cause);
    }

    /** What SQLite says when the source is read directly: the reason a copy that ran for {@code took} could not finish. */
    private String whyUnreadable(Duration took) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + readOnlyUri()); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM sqlite_master").close();
            String seconds = String.format(java.util.Locale.ROOT, "%.1f s", took.toMillis() / 1000.0);
            return took.toMillis() >= BUSY_RETRIES * BUSY_SLEEP_MILLIS * 9L / 10
                    ? "the database stayed busy (locked by a writer) for " + seconds
                    : "SQLite stopped after " + seconds + " without an error, and the source reads fine";
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

    private record FileSnapshot(Path file, Path folder, SpaceLedger.Reservation reservation) implements Snapshot {

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

        /** Removes the snapshot's folder, then gives its space back. */
        @Override
        public void close() throws IOException {
            try {
                TempSweeper.deleteTree(folder);
            } finally {
                reservation.close();
            }
        }
    }
}
