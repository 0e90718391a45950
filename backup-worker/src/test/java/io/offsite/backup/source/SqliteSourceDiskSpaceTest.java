package io.offsite.backup.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.offsite.backup.support.Tmpfs;
import io.offsite.backup.temp.InstanceFolder;
import io.offsite.backup.temp.SpaceLedger;
import io.offsite.worker.job.JobFailedException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on a temp disk that really is too small: a tmpfs of a few megabytes (skipped where mounting is not
 * permitted). The sources are real SQLite files on the ordinary disk.
 */
class SqliteSourceDiskSpaceTest {

    static final long MB = 1024 * 1024;

    @TempDir
    Path dir;

    Tmpfs disk;

    @BeforeEach
    void mount() throws Exception {
        disk = Tmpfs.mount(dir.resolve("small-disk"), 16);
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    /** A real SQLite database of at least {@code megabytes}, in rollback-journal mode. */
    static Path database(Path file, int megabytes) throws Exception {
        SqliteSourceTest.create(file, 4096, "delete", megabytes * 11000);
        assertThat(Files.size(file)).isGreaterThanOrEqualTo(megabytes * MB);
        return file;
    }

    @Test
    void aDiskThatFillsUpDuringThePageCopyFailsInsufficientDiskSpaceWithThePathAndTheFreeBytes() throws Exception {
        Path db = database(dir.resolve("source.db"), 6);
        long size = Files.size(db);
        Path filler = disk.path().resolve("another-program.bin");
        // the reservation sees the disk's real free space; right after it another program takes all but 1 MB of it
        SpaceLedger ledger = new SpaceLedger("small disk", () -> {
            long free = disk.usableBytes();
            try (RandomAccessFile f = new RandomAccessFile(filler.toFile(), "rw")) {
                f.write(new byte[(int) (free - MB)]);
            }
            return free;
        }, SpaceLedger::treeSize);
        try (InstanceFolder temp = InstanceFolder.create(disk.path(), ledger)) {
            SqliteSource source = new SqliteSource("pokemon-data", db, temp, 0);

            long started = System.nanoTime();
            assertThatThrownBy(source::take).isInstanceOfSatisfying(JobFailedException.class, e -> {
                assertThat(e.errorType()).isEqualTo("INSUFFICIENT_DISK_SPACE");
                assertThat(e.retryable()).isTrue();
                assertThat(e.getMessage()).contains("the disk of " + temp.path()).contains("filled up during the SQLite page copy of " + db)
                        .doesNotContain("busy");
                Matcher free = Pattern.compile("\\((\\d+) bytes\\) free there").matcher(e.getMessage());
                assertThat(free.find()).as(e.getMessage()).isTrue();
                assertThat(Long.parseLong(free.group(1))).as("the free bytes when the copy stopped").isLessThan(size);
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no waiting for a busy source").isLessThan(Duration.ofSeconds(5));
            try (var left = Files.list(temp.path())) {
                assertThat(left.map(p -> p.getFileName().toString()).toList()).as("the partial copy is removed").containsExactly(InstanceFolder.LOCK_FILE);
            }
            assertThat(ledger.outstanding()).isZero();
        }
    }

    @Test
    void twoSnapshotsThatFitAloneButNotTogetherCannotBothStart() throws Exception {
        Path first = database(dir.resolve("first.db"), 6);
        Path second = database(dir.resolve("second.db"), 6);
        long firstBytes = Files.size(first);
        long secondBytes = Files.size(second);
        long reserve = 4 * MB;
        long free = disk.usableBytes();
        assertThat(Files.size(first) + reserve).as("each fits alone").isLessThan(free);
        assertThat(Files.size(first) + Files.size(second) + reserve).as("not both").isGreaterThan(free);

        try (InstanceFolder temp = InstanceFolder.create(disk.path(), SpaceLedger.of(disk.path()));
             Connection writer = DriverManager.getConnection("jdbc:sqlite:" + first); Statement s = writer.createStatement()) {
            // the first snapshot has reserved its space and waits for a writer, having written nothing yet
            s.execute("BEGIN EXCLUSIVE");
            CompletableFuture<Long> firstSnapshot = CompletableFuture.supplyAsync(() -> {
                try (Snapshot snapshot = new SqliteSource("first", first, temp, reserve).take()) {
                    return snapshot.sizeBytes();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (temp.ledger().outstanding() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(temp.ledger().outstanding()).isEqualTo(1);

            assertThatThrownBy(() -> new SqliteSource("second", second, temp, reserve).take())
                    .isInstanceOfSatisfying(JobFailedException.class, e -> {
                        assertThat(e.errorType()).isEqualTo("INSUFFICIENT_DISK_SPACE");
                        assertThat(e.getMessage()).contains("not enough free space in " + temp.path() + " for a snapshot of " + second)
                                .contains("needs ").contains("(" + (secondBytes + reserve) + " bytes:")
                                .contains("bytes) free, of which ")
                                .contains("(" + firstBytes + " bytes) are reserved by 1 other running job(s)");
                    });
            try (var left = Files.list(temp.path())) {
                assertThat(left.filter(p -> p.toString().contains("snapshot-")).count()).as("the refused one wrote nothing").isEqualTo(1);
            }

            s.execute("ROLLBACK");
            assertThat(firstSnapshot.get(30, TimeUnit.SECONDS)).as("the first goes on").isGreaterThan(0);
            assertThat(temp.ledger().outstanding()).isZero();
            try (Snapshot again = new SqliteSource("second", second, temp, reserve).take()) {
                assertThat(again.sizeBytes()).as("once the first is done the second fits").isEqualTo(Files.size(second));
            }
        }
    }
}
