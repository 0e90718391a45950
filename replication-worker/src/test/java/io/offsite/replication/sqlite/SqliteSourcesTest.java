package io.offsite.replication.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.failure.ReplicationException.Kind;
import io.offsite.replication.support.Tables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on kept connections, against real SQLite files. */
class SqliteSourcesTest {

    @TempDir
    Path dir;

    static Path database(Path file, String value) throws Exception {
        try (Connection c = Tables.sqlite(file)) {
            Tables.execute(c, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
            Tables.execute(c, "INSERT INTO t VALUES (1, '" + value + "')");
        }
        return file;
    }

    static String value(SqliteSnapshot snapshot) {
        return snapshot.extent("SELECT count(*), max(v) FROM t", Optional.empty()).max().orElseThrow();
    }

    @Test
    void aKeptConnectionSeesWhatWasWrittenSinceTheLastRun() throws Exception {
        Path db = database(dir.resolve("kept.db"), "first");
        try (SqliteSources sources = new SqliteSources(Duration.ofMinutes(1))) {
            try (SqliteSnapshot snapshot = sources.open(db)) {
                assertThat(value(snapshot)).isEqualTo("first");
            }
            try (Connection c = Tables.sqlite(db)) {
                Tables.execute(c, "UPDATE t SET v = 'second'");
            }
            try (SqliteSnapshot snapshot = sources.open(db)) {
                assertThat(value(snapshot)).isEqualTo("second");
            }
        }
    }

    @Test
    void aFileReplacedBetweenRunsIsReadAnew() throws Exception {
        Path db = database(dir.resolve("replaced.db"), "old");
        Path replacement = database(dir.resolve("replacement.db"), "new");
        try (SqliteSources sources = new SqliteSources(Duration.ofMinutes(1))) {
            try (SqliteSnapshot snapshot = sources.open(db)) {
                assertThat(value(snapshot)).isEqualTo("old");
            }
            Files.move(replacement, db, StandardCopyOption.REPLACE_EXISTING); // as a restore does
            try (SqliteSnapshot snapshot = sources.open(db)) {
                assertThat(value(snapshot)).isEqualTo("new");
            }
            Files.delete(db);
            assertThatThrownBy(() -> sources.open(db)).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.SOURCE_NOT_FOUND));
        }
    }

    @Test
    void aSnapshotOnAKeptConnectionIsStillOneConsistentRead() throws Exception {
        Path db = database(dir.resolve("consistent.db"), "before");
        try (Connection c = Tables.sqlite(db)) {
            Tables.execute(c, "PRAGMA journal_mode = WAL");
        }
        try (SqliteSources sources = new SqliteSources(Duration.ofMinutes(1))) {
            sources.open(db).close();
            try (SqliteSnapshot snapshot = sources.open(db); Connection writer = Tables.sqlite(db)) {
                Tables.execute(writer, "UPDATE t SET v = 'during'");
                assertThat(value(snapshot)).as("the write came after the snapshot began").isEqualTo("before");
            }
        }
    }

    @Test
    void aReadWaitsForAWriterThatHoldsTheFileLockedButAnInterruptEndsTheWait() throws Exception {
        Path db = database(dir.resolve("locked.db"), "first"); // rollback-journal mode: a writer keeps readers out
        try (SqliteSources sources = SqliteSources.unkept(); Connection writer = Tables.sqlite(db)) {
            Tables.execute(writer, "BEGIN EXCLUSIVE");
            Tables.execute(writer, "UPDATE t SET v = 'second'");
            java.util.concurrent.CompletableFuture<Object> opened = new java.util.concurrent.CompletableFuture<>();
            Thread run = new Thread(() -> {
                try (SqliteSnapshot snapshot = sources.open(db)) {
                    opened.complete(value(snapshot));
                } catch (Throwable e) {
                    opened.complete(e);
                }
            });
            run.start();
            Thread.sleep(700);
            Tables.execute(writer, "COMMIT");
            assertThat(opened.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("waited for the writer").isEqualTo("second");

            Tables.execute(writer, "BEGIN EXCLUSIVE");
            java.util.concurrent.CompletableFuture<Object> stopped = new java.util.concurrent.CompletableFuture<>();
            Thread stoppedRun = new Thread(() -> {
                try (SqliteSnapshot snapshot = sources.open(db)) {
                    stopped.complete(value(snapshot));
                } catch (Throwable e) {
                    stopped.complete(e);
                }
            });
            stoppedRun.start();
            Thread.sleep(500);
            long interruptedAt = System.nanoTime();
            stoppedRun.interrupt();
            assertThat(stopped.get(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOfSatisfying(ReplicationException.class,
                    e -> assertThat(e.getMessage()).contains("stopped while waiting"));
            assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(1));
            Tables.execute(writer, "ROLLBACK");
        }
    }
}
