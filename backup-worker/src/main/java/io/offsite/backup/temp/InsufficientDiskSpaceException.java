package io.offsite.backup.temp;

import io.offsite.worker.format.Sizes;
import java.nio.file.Path;

/**
 * A temp folder's disk has no room for what a job is about to write, or filled up while it wrote. The message names
 * the folder, the free bytes at that moment and what was needed; the stable reason is
 * {@value #REASON}. Worth retrying: space may be freed (another job's temp files removed) before the next attempt.
 */
public final class InsufficientDiskSpaceException extends RuntimeException {

    /** The failure reason the jobs report. */
    public static final String REASON = "INSUFFICIENT_DISK_SPACE";

    private final Path folder;
    private final long freeBytes;

    public InsufficientDiskSpaceException(Path folder, long freeBytes, String message, Throwable cause) {
        super(message, cause);
        this.folder = folder;
        this.freeBytes = freeBytes;
    }

    /** Out of space while writing: {@code what} stopped with {@code freeBytes} left on the disk of {@code folder}. */
    public static InsufficientDiskSpaceException whileWriting(Path folder, long freeBytes, String what, Throwable cause) {
        return new InsufficientDiskSpaceException(folder, freeBytes, String.format(
                "the disk of %s filled up during %s: %s (%d bytes) free there: free space or point the temp folder at a larger disk",
                folder.toAbsolutePath(), what, Sizes.human(freeBytes), freeBytes), cause);
    }

    public Path folder() {
        return folder;
    }

    public long freeBytes() {
        return freeBytes;
    }
}
