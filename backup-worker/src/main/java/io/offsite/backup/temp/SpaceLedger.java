package io.offsite.backup.temp;

import io.offsite.worker.format.Sizes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The free space of one disk, shared by the jobs of this process that write temp files there. A job reserves what it
 * is about to write before it writes; a reservation passes only if the disk's free space, less what other running
 * jobs reserved and have not written yet, holds it plus the reserve to leave free. Two snapshots that each fit alone
 * but not together therefore cannot both start: the second fails up front, naming both numbers. Closing the
 * reservation (after the job's temp files are removed) gives the space back.
 *
 * <p>A reservation counts only its unwritten part: what its file or folder already holds is already missing from the
 * free space. Nothing here touches the disk: the free space and the size of a reservation's files come from the
 * injected probes.
 */
public final class SpaceLedger {

    /** The free space of the disk, in bytes, as an unprivileged process may use it. */
    @FunctionalInterface
    public interface FreeSpace {
        long usableBytes() throws IOException;
    }

    /** How many bytes a file or folder holds now (0 when it does not exist). */
    @FunctionalInterface
    public interface SizeOf {
        long bytes(Path path);
    }

    private final String disk;
    private final FreeSpace freeSpace;
    private final SizeOf sizeOf;
    private final List<Reservation> outstanding = new ArrayList<>();

    public SpaceLedger(String disk, FreeSpace freeSpace, SizeOf sizeOf) {
        this.disk = Objects.requireNonNull(disk, "disk");
        this.freeSpace = Objects.requireNonNull(freeSpace, "freeSpace");
        this.sizeOf = Objects.requireNonNull(sizeOf, "sizeOf");
    }

    /** A ledger of the disk that holds {@code folder}, measuring it with the file system. */
    public static SpaceLedger of(Path folder) throws IOException {
        Files.createDirectories(folder);
        var store = Files.getFileStore(folder);
        return new SpaceLedger(store.toString(), store::getUsableSpace, SpaceLedger::treeSize);
    }

    /**
     * Reserves {@code bytes} for {@code what}, written to {@code writingTo} (a file or folder, which may not exist yet),
     * leaving {@code reserveBytes} free beyond it.
     *
     * @param bytes what will be written; negative when unknown (only the reserve is checked and nothing is held)
     * @throws InsufficientDiskSpaceException when the free space less other jobs' outstanding reservations is short
     */
    public synchronized Reservation reserve(String what, Path writingTo, long bytes, long reserveBytes) throws IOException {
        long free = freeSpace.usableBytes();
        long others = outstandingBytes();
        long needed = Math.max(0, bytes) + Math.max(0, reserveBytes);
        if (free - others < needed) {
            Path folder = writingTo.toAbsolutePath().getParent();
            throw new InsufficientDiskSpaceException(folder, free, String.format(
                    "not enough free space in %s for %s: needs %s (%d bytes: %s plus %s reserve), %s (%d bytes) free%s",
                    folder, what, Sizes.human(needed), needed, bytes >= 0 ? Sizes.human(bytes) : "unknown size",
                    Sizes.human(Math.max(0, reserveBytes)), Sizes.human(free), free,
                    others == 0 ? "" : String.format(", of which %s (%d bytes) are reserved by %d other running job(s)",
                            Sizes.human(others), others, outstanding.size())), null);
        }
        Reservation reservation = new Reservation(what, writingTo, Math.max(0, bytes));
        outstanding.add(reservation);
        return reservation;
    }

    /** Free bytes beyond what other running jobs reserved and have not written yet (at least 0). */
    public synchronized long available() throws IOException {
        return Math.max(0, freeSpace.usableBytes() - outstandingBytes());
    }

    /** The free bytes of the disk now, as the probe says (for messages). */
    public long freeBytes() throws IOException {
        return freeSpace.usableBytes();
    }

    /** Reservations not yet released. */
    public synchronized int outstanding() {
        return outstanding.size();
    }

    @Override
    public String toString() {
        return "SpaceLedger[" + disk + "]";
    }

    private long outstandingBytes() {
        long sum = 0;
        for (Reservation r : outstanding) {
            sum += Math.max(0, r.bytes - sizeOf.bytes(r.writingTo));
        }
        return sum;
    }

    private synchronized void release(Reservation reservation) {
        outstanding.remove(reservation);
    }

    /** Bytes of the regular files under {@code path} (the file itself when it is one); 0 when it does not exist. */
    public static long treeSize(Path path) {
        if (!Files.exists(path)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(path)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while counting
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0; // removed while counting
        }
    }

    /** Space held for one job until closed; close it after the job's temp files are removed. Closing twice is harmless. */
    public final class Reservation implements AutoCloseable {
        private final String what;
        private final Path writingTo;
        private final long bytes;

        private Reservation(String what, Path writingTo, long bytes) {
            this.what = what;
            this.writingTo = writingTo;
            this.bytes = bytes;
        }

        public long bytes() {
            return bytes;
        }

        @Override
        public void close() {
            release(this);
        }

        @Override
        public String toString() {
            return "Reservation[" + what + ", " + bytes + " bytes at " + writingTo + "]";
        }
    }
}
