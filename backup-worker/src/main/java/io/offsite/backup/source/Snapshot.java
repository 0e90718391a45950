package io.offsite.backup.source;

import java.io.IOException;
import java.io.InputStream;

/** The bytes of one consistent snapshot, read once. Closing it removes whatever the snapshot left on disk. */
public interface Snapshot extends AutoCloseable {

    InputStream stream() throws IOException;

    /** Size of the snapshot when known in advance, else -1 (a dump streamed from a process). */
    long sizeBytes();

    @Override
    void close() throws IOException;
}
