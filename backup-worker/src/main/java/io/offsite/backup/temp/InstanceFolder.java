package io.offsite.backup.temp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The temp sub-folder one process owns, {@code <temp-dir>/offsite-worker-<pid>-<random>/}: every temp file of its jobs
 * goes inside. Ownership is an exclusive operating-system lock on {@code .lock} inside the folder, held for the life of
 * the owner: the kernel releases it when the process dies, however it dies, so a folder whose lock can be taken has
 * no live owner ({@link TempSweeper} removes it). A process id could be reused; a lock cannot outlive its holder.
 *
 * <p>Closing removes the folder and everything in it, then releases the lock.
 */
public final class InstanceFolder implements AutoCloseable {

    /** Every instance folder's name starts with this. */
    public static final String PREFIX = "offsite-worker-";
    /** The lock file inside an instance folder. */
    public static final String LOCK_FILE = ".lock";

    /** Folders whose lock this JVM holds: never opened by a sweep of this JVM (closing a second descriptor of the lock file would drop the lock). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path folder;
    private final FileChannel channel;
    private final FileLock lock;
    private final SpaceLedger ledger;

    private InstanceFolder(Path folder, FileChannel channel, FileLock lock, SpaceLedger ledger) {
        this.folder = folder;
        this.channel = channel;
        this.lock = lock;
        this.ledger = ledger;
    }

    /** Creates and locks a new instance folder in {@code tempDir}; its jobs reserve space through {@code ledger}. */
    public static InstanceFolder create(Path tempDir, SpaceLedger ledger) throws IOException {
        Path parent = tempDir.toAbsolutePath().normalize();
        Files.createDirectories(parent);
        for (int attempt = 0; ; attempt++) {
            Path folder = parent.resolve(PREFIX + ProcessHandle.current().pid() + "-"
                    + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
            try {
                Files.createDirectory(folder);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            FileChannel channel = FileChannel.open(folder.resolve(LOCK_FILE), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                // a sweep of another process took the lock of the folder just made (it looked abandoned): leave it to that sweep
                channel.close();
                if (attempt >= 3) {
                    throw new IOException("cannot lock a temp folder of this process in " + parent + ": its lock files are taken by other processes");
                }
                continue;
            }
            HELD.add(folder);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now()
                    + "\nthis folder and its content belong to that process while it holds a lock on this file\n").getBytes(StandardCharsets.UTF_8)));
            return new InstanceFolder(folder, channel, lock, ledger);
        }
    }

    /** Whether this JVM holds the lock of {@code folder}. */
    static boolean heldHere(Path folder) {
        return HELD.contains(folder.toAbsolutePath().normalize());
    }

    public Path path() {
        return folder;
    }

    public SpaceLedger ledger() {
        return ledger;
    }

    /** A new empty folder inside, for one job's files. */
    public Path newFolder(String prefix) throws IOException {
        return Files.createTempDirectory(folder, prefix);
    }

    /** The path of a new file inside (not created): {@code <prefix><random><suffix>}. */
    public Path newFile(String prefix, String suffix) {
        return folder.resolve(prefix + UUID.randomUUID() + suffix);
    }

    /** Reserves space for a job writing to {@code writingTo} inside this folder; see {@link SpaceLedger#reserve}. */
    public SpaceLedger.Reservation reserve(String what, Path writingTo, long bytes, long reserveBytes) throws IOException {
        return ledger.reserve(what, writingTo, bytes, reserveBytes);
    }

    /** Removes the folder and its content, then releases the lock. */
    @Override
    public void close() throws IOException {
        try {
            TempSweeper.deleteTree(folder);
        } finally {
            try {
                lock.release();
            } finally {
                channel.close();
                HELD.remove(folder);
            }
        }
    }

    @Override
    public String toString() {
        return folder.toString();
    }
}
