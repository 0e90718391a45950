package io.offsite.backup.readback;

import io.offsite.worker.format.Sizes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free-space check before a backup is decompressed into a folder. */
public final class TempSpace {

    private TempSpace() {
    }

    /**
     * Creates the folder if needed and checks it has room for {@code needed} bytes plus {@code reserve}.
     *
     * @throws InsufficientSpaceException naming the folder, the free space and what is needed
     */
    public static void check(Path folder, long needed, long reserve) throws IOException {
        Files.createDirectories(folder);
        long usable = Files.getFileStore(folder).getUsableSpace();
        if (needed >= 0 && usable < needed + reserve) {
            throw new InsufficientSpaceException(folder + " has " + Sizes.human(usable) + " free; decompressing needs "
                    + Sizes.human(needed) + " plus " + Sizes.human(reserve) + " reserve: free space there or point the temp folder elsewhere");
        }
    }

    /** Not enough room to decompress: not the backup's fault, worth retrying once space is freed. */
    public static final class InsufficientSpaceException extends RestoreException {
        public InsufficientSpaceException(String message) {
            super(message);
        }

        public InsufficientSpaceException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
