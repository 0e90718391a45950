package io.offsite.backup.source;

import java.io.IOException;
import java.io.InputStream;

/** The bytes of one consistent snapshot, read once. Closing it removes whatever the snapshot left behind. */
public interface Snapshot extends AutoCloseable {

    InputStream stream() throws IOException;

    /** Size of the snapshot when known in advance, else -1 (a dump streamed from a process). */
    long sizeBytes();

    /**
     * Called once the stream was read to its end, before the backup is published: throws if whatever produced
     * the bytes reported a failure (a dump process that exited with an error).
     */
    default void finish() throws IOException, InterruptedException {
    }

    @Override
    void close() throws IOException;
}
