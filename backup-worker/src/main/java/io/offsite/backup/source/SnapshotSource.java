package io.offsite.backup.source;

import java.io.IOException;

/** A configured source that can produce a consistent snapshot of itself. */
public interface SnapshotSource {

    /** What the source is, for log lines: e.g. {@code ./data/pokemon-data.sqlite3.db}. */
    String location();

    /** Current size of the source in bytes (for the log and the free-space check), or -1 when unknown. */
    long sizeBytes() throws IOException;

    /** Takes the snapshot. The caller closes it. Responds to interruption by stopping and cleaning up. */
    Snapshot take() throws IOException, InterruptedException;
}
