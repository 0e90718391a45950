package io.offsite.backup.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.worker.job.JobFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots of real SQLite files in their different shapes. */
class SqliteSourceTest {

    @TempDir
    Path dir;

    InstanceFolder temp;

    @org.junit.jupiter.api.BeforeEach
    void ownTempFolder() throws Exception {
        temp = InstanceFolder.create(dir.resolve("tmp"), SpaceLedger.of(dir));
    }

    @org.junit.jupiter.api.AfterEach
    void removeTempFolder() throws Exception {
        temp.close();
    }

    /** What the instance folder holds besides its lock file. */
    java.util.List<Path> left() throws Exception {
        try (var files = Files.list(temp.path())) {
            return files.filter(p -> !p.getFileName().toString().equals(InstanceFolder.LOCK_FILE)).toList();
        }
    }

    static void create(Path db, int pageSize, String journalMode, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement()) {
            s.execute("PRAGMA page_size=" + pageSize);
            s.execute("PRAGMA journal_mode=" + journalMode);
            s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
            s.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ") "
                    + "INSERT INTO t SELECT i, printf('row %d %s', i, hex(randomblob(40))) FROM n");
        }
    }

    static String query(Path db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @ParameterizedTest
    @CsvSource({"1024, wal", "4096, delete", "8192, wal", "65536, delete"})
    void snapshotIsAnIntactCopyWhateverThePageSizeAndJournalMode(int pageSize, String journalMode) throws Exception {
        Path db = dir.resolve("source.db");
        create(db, pageSize, journalMode, 5_000);
        SqliteSource source = new SqliteSource("s", db, temp, 0);

        Path copy = dir.resolve("copy.db");
        try (Snapshot snapshot = source.take()) {
            Files.copy(snapshot.stream(), copy);
        }

        assertThat(query(copy, "PRAGMA integrity_check")).isEqualTo("ok");
        assertThat(query(copy, "PRAGMA page_size")).isEqualTo(Integer.toString(pageSize));
        assertThat(query(copy, "SELECT count(*) || ':' || sum(length(body)) FROM t"))
                .isEqualTo(query(db, "SELECT count(*) || ':' || sum(length(body)) FROM t"));
        assertThat(left()).as("the snapshot's temp folder is removed on close").isEmpty();
        assertThat(temp.ledger().outstanding()).as("its space is released").isZero();
        assertThat(Files.exists(Path.of(db + "-journal"))).as("the source is only read").isFalse();
    }

    @Test
    void aFileThatIsNoDatabaseFailsClearlyAndLeavesNoTempFile() throws Exception {
        Path db = dir.resolve("not-a.db");
        Files.writeString(db, "this is not a SQLite database, just text long enough to have a header ".repeat(20));
        SqliteSource source = new SqliteSource("s", db, temp, 0);

        assertThatThrownBy(source::take).isInstanceOfSatisfying(JobFailedException.class, e -> {
            assertThat(e.errorType()).isEqualTo("SNAPSHOT_FAILED");
            assertThat(e.getMessage()).contains(db.toString()).contains("not a database");
        });
        assertThat(left()).isEmpty();
        assertThat(temp.ledger().outstanding()).isZero();
    }

    @Test
    void anInterruptStopsACopyWaitingForALockedSourceAndLeavesNoTempFile() throws Exception {
        Path db = dir.resolve("locked.db");
        create(db, 4096, "delete", 1_000);
        SqliteSource source = new SqliteSource("s", db, temp, 0);
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = writer.createStatement()) {
            s.execute("BEGIN EXCLUSIVE"); // in rollback-journal mode the copy waits (up to 30 s) for this writer
            java.util.concurrent.CompletableFuture<Throwable> ended = new java.util.concurrent.CompletableFuture<>();
            Thread backup = new Thread(() -> {
                try (Snapshot snapshot = source.take()) {
                    ended.complete(null);
                } catch (Throwable e) {
                    ended.complete(e);
                }
            });
            backup.start();
            Thread.sleep(500);

            long interruptedAt = System.nanoTime();
            backup.interrupt();
            Throwable failure = ended.get(20, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(failure).isInstanceOf(InterruptedException.class);
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(java.time.Duration.ofSeconds(2));
            s.execute("ROLLBACK");
        }
        assertThat(left()).isEmpty();
        assertThat(temp.ledger().outstanding()).isZero();
    }
}
