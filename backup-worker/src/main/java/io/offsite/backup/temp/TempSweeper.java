package io.offsite.backup.temp;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Removes what stopped processes left in a temp folder, and nothing else:
 * <ul>
 * <li>an instance folder ({@code offsite-worker-*} holding {@code .lock}) whose lock can be taken: its owner is gone.
 *     A folder whose lock a live process holds is never touched, nor one this JVM holds;</li>
 * <li>older leftovers with no lock: snapshot folders of earlier versions ({@code offsite-snapshot-*}), an instance
 *     folder without {@code .lock} (its owner died between creating and locking it) and
 *     {@code verify-*.tmp} files of earlier versions (with their SQLite {@code -journal}, {@code -wal}, {@code -shm}),
 *     once nothing in them changed for {@code legacyMinAge}: an earlier version still running beside this one keeps
 *     writing to its files.</li>
 * </ul>
 * Other files and folders are left alone, whatever their names (a temp folder such as {@code /tmp} is shared with
 * other programs). Time comes from the injected clock.
 */
public final class TempSweeper {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TempSweeper.class);

    /** Why something was removed. */
    public enum Kind {
        /** an instance folder whose owner is gone */
        DEAD_INSTANCE("dead-instance"),
        /** a leftover of an earlier version, older than the margin */
        LEGACY("legacy");

        private final String tag;

        Kind(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** One removed folder or file: what it held. */
    public record Swept(Path path, Kind kind, long bytes, long files) {
    }

    /** Snapshot folders of versions before instance folders. */
    static final String LEGACY_SNAPSHOT_PREFIX = "offsite-snapshot-";

    private final Clock clock;
    private final Duration legacyMinAge;

    public TempSweeper(Clock clock, Duration legacyMinAge) {
        if (legacyMinAge.isNegative()) {
            throw new IllegalArgumentException("the age of leftovers to remove must not be negative: " + legacyMinAge);
        }
        this.clock = clock;
        this.legacyMinAge = legacyMinAge;
    }

    /** Sweeps {@code tempDir} (a missing folder holds nothing) and returns what was removed. */
    public List<Swept> sweep(Path tempDir) throws IOException {
        Path dir = tempDir.toAbsolutePath().normalize();
        List<Swept> swept = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return swept;
        }
        Instant cutoff = clock.instant().minus(legacyMinAge);
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(dir)) {
            listing.forEach(entries::add);
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            try {
                boolean instance = name.startsWith(InstanceFolder.PREFIX);
                if ((instance || name.startsWith(LEGACY_SNAPSHOT_PREFIX)) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    if (instance && Files.exists(entry.resolve(InstanceFolder.LOCK_FILE), LinkOption.NOFOLLOW_LINKS)) {
                        sweepInstance(entry).ifPresent(swept::add);
                    } else if (newestChange(entry).isBefore(cutoff)) {
                        swept.add(remove(entry, Kind.LEGACY));
                    }
                } else if (isLegacyVerifyFile(name) && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    swept.add(remove(entry, Kind.LEGACY));
                }
            } catch (NoSuchFileException e) {
                // removed meanwhile (by its owner, or another instance's sweep)
            } catch (IOException e) {
                // e.g. another user's folder in a shared /tmp: not this process's to remove; the others are still swept
                log.warn("Cannot sweep {} of the temp folder: {}", entry, e.toString());
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    log.warn("Cannot sweep {} of the temp folder: {}", entry, e.getCause().toString());
                }
            }
        }
        return swept;
    }

    private static boolean isLegacyVerifyFile(String name) {
        return name.startsWith("verify-") && (name.endsWith(".tmp") || name.endsWith(".tmp-journal")
                || name.endsWith(".tmp-wal") || name.endsWith(".tmp-shm"));
    }

    /** Removes {@code folder} if its owner is gone: while this holds its lock, no one else can take it. */
    private java.util.Optional<Swept> sweepInstance(Path folder) throws IOException {
        if (InstanceFolder.heldHere(folder)) {
            return java.util.Optional.empty();
        }
        try (FileChannel channel = FileChannel.open(folder.resolve(InstanceFolder.LOCK_FILE), StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                return java.util.Optional.empty(); // a sweep in this JVM is removing it right now
            }
            if (lock == null) {
                return java.util.Optional.empty(); // a live process owns it
            }
            try {
                return java.util.Optional.of(remove(folder, Kind.DEAD_INSTANCE));
            } finally {
                lock.release();
            }
        }
    }

    private static Swept remove(Path path, Kind kind) throws IOException {
        long[] counted = count(path);
        deleteTree(path);
        return new Swept(path, kind, counted[0], counted[1]);
    }

    /** The newest modification time of {@code folder} and anything in it. */
    private static Instant newestChange(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> {
                try {
                    return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime().toInstant();
                } catch (IOException e) {
                    return Instant.MAX; // changing right now: not a leftover
                }
            }).max(Comparator.naturalOrder()).orElse(Instant.MAX);
        }
    }

    /** Bytes and regular files under {@code path}. */
    private static long[] count(Path path) throws IOException {
        long bytes = 0;
        long files = 0;
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        bytes += Files.size(p);
                        files++;
                    } catch (NoSuchFileException e) {
                        // gone meanwhile
                    }
                }
            }
        }
        return new long[] {bytes, files};
    }

    /** Deletes a file or a folder with everything in it, without following links; what is already gone is fine. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(path)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
