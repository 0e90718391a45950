package io.offsite.backup.temp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep against real processes: the owner of an instance folder is a child JVM holding the folder's lock, alive or
 * killed with SIGKILL (nothing of its own cleanup runs).
 */
class TempSweeperTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path tmp;

    Process child;

    @AfterEach
    void stopChild() throws InterruptedException {
        if (child != null && child.isAlive()) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    TempSweeper sweeper() {
        return new TempSweeper(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofHours(1));
    }

    /** Starts a child JVM that creates and locks its instance folder in {@code tmp}; returns the folder once it is locked. */
    Path startOwner() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), tmp.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the child printed its folder").isNotNull();
        return Path.of(line);
    }

    @Test
    void aLiveOwnersFolderIsNeverTouchedAndADeadOnesIsRemoved() throws Exception {
        Path owned = startOwner();
        assertThat(owned.getFileName().toString()).startsWith(InstanceFolder.PREFIX);
        Path snapshot;
        try (var files = Files.list(owned)) {
            snapshot = files.filter(Files::isDirectory).findFirst().orElseThrow().resolve("pokemon-data.sqlite3.db");
        }
        // however old it looks: the lock decides
        Files.setLastModifiedTime(snapshot, FileTime.from(NOW.minus(Duration.ofDays(30))));

        assertThat(sweeper().sweep(tmp)).as("the owner is alive").isEmpty();
        assertThat(snapshot).exists();

        child.destroyForcibly(); // SIGKILL: the process cleans nothing up, the kernel releases its lock
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(snapshot).as("a killed process leaves its files").exists();

        List<TempSweeper.Swept> swept = sweeper().sweep(tmp);

        assertThat(swept).singleElement().satisfies(s -> {
            assertThat(s.path()).isEqualTo(owned);
            assertThat(s.kind()).isEqualTo(TempSweeper.Kind.DEAD_INSTANCE);
            assertThat(s.bytes()).isGreaterThanOrEqualTo(1024 * 1024);
            assertThat(s.files()).isEqualTo(2); // the snapshot and the lock file
        });
        assertThat(owned).doesNotExist();
    }

    @Test
    void theFolderOfThisProcessIsNeverTouched() throws Exception {
        try (InstanceFolder own = InstanceFolder.create(tmp, SpaceLedger.of(tmp))) {
            Path file = own.newFolder("snapshot-").resolve("a.db");
            Files.writeString(file, "in use");
            assertThat(sweeper().sweep(tmp)).isEmpty();
            assertThat(file).exists();
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).as("closing removes it").isEmpty();
        }
    }

    @Test
    void leftoversOfEarlierVersionsGoOnceUnchangedForTheMarginAndNothingElseIsTouched() throws Exception {
        Path oldSnapshot = Files.createDirectories(tmp.resolve("offsite-snapshot-123/"));
        Files.write(oldSnapshot.resolve("pokemon-data.sqlite3.db"), new byte[4096]);
        Path recentSnapshot = Files.createDirectories(tmp.resolve("offsite-snapshot-456/"));
        Files.write(recentSnapshot.resolve("pokemon-data.sqlite3.db"), new byte[4096]);
        Path oldVerify = Files.write(tmp.resolve("verify-0b0e.tmp"), new byte[100]);
        Path oldJournal = Files.write(tmp.resolve("verify-0b0e.tmp-journal"), new byte[10]);
        Path recentVerify = Files.write(tmp.resolve("verify-1c1f.tmp"), new byte[100]);
        Path unlockedInstance = Files.createDirectories(tmp.resolve(InstanceFolder.PREFIX + "77-0000beef"));
        Path others = Files.createDirectories(tmp.resolve("offsite-campaign"));
        Path othersFile = Files.write(tmp.resolve("offsite-restore-2025.tmp"), new byte[10]);
        Path unrelated = Files.write(tmp.resolve("hsperfdata.txt"), new byte[10]);
        Instant old = NOW.minus(Duration.ofHours(2));
        Instant recent = NOW.minus(Duration.ofMinutes(10));
        for (Path p : List.of(oldSnapshot, oldSnapshot.resolve("pokemon-data.sqlite3.db"), oldVerify, oldJournal, unlockedInstance, others, othersFile, unrelated)) {
            Files.setLastModifiedTime(p, FileTime.from(old));
        }
        Files.setLastModifiedTime(recentSnapshot, FileTime.from(old));
        // an earlier version still writing its snapshot: the folder is old, the file inside is not
        Files.setLastModifiedTime(recentSnapshot.resolve("pokemon-data.sqlite3.db"), FileTime.from(recent));
        Files.setLastModifiedTime(recentVerify, FileTime.from(recent));

        List<TempSweeper.Swept> swept = sweeper().sweep(tmp);

        assertThat(swept).extracting(TempSweeper.Swept::path).containsExactlyInAnyOrder(oldSnapshot, oldVerify, oldJournal, unlockedInstance);
        assertThat(swept).allMatch(s -> s.kind() == TempSweeper.Kind.LEGACY);
        assertThat(swept).filteredOn(s -> s.path().equals(oldSnapshot)).singleElement().satisfies(s -> assertThat(s.bytes()).isEqualTo(4096));
        assertThat(recentSnapshot.resolve("pokemon-data.sqlite3.db")).exists();
        assertThat(recentVerify).exists();
        assertThat(others).as("another program's folder, whatever its name").exists();
        assertThat(othersFile).exists();
        assertThat(unrelated).exists();
    }

    @Test
    void anEntryThatCannotBeSweptIsSkippedAndTheOthersAreStillSwept() throws Exception {
        // a lock "file" that cannot be opened for writing, as another user's would be
        Path unreadable = Files.createDirectories(tmp.resolve(InstanceFolder.PREFIX + "1-00000001/" + InstanceFolder.LOCK_FILE));
        Path dead = Files.createDirectories(tmp.resolve(InstanceFolder.PREFIX + "2-00000002"));
        Files.writeString(dead.resolve(InstanceFolder.LOCK_FILE), "pid 2");

        assertThat(sweeper().sweep(tmp)).extracting(TempSweeper.Swept::path).containsExactly(dead);
        assertThat(unreadable).exists();
    }

    @Test
    void aMissingTempFolderHoldsNothing() throws Exception {
        assertThat(sweeper().sweep(tmp.resolve("not-yet"))).isEmpty();
    }
}
