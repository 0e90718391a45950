package io.offsite.backup.source;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A configured source that can produce a consistent snapshot of itself. */
public interface SnapshotSource {

    /** What the source is, for log lines: e.g. {@code ./data/pokemon-data.sqlite3.db}. */
    String location();

    /** Current size of the source in bytes (for the log and the free-space check), or -1 when unknown. */
    long sizeBytes() throws IOException;

    /** Takes the snapshot. The caller closes it. Responds to interruption by stopping and cleaning up. */
    Snapshot take() throws IOException, InterruptedException;

    /**
     * Takes the snapshot for a run with {@code remaining} time left before its deadline (empty: none): a source that
     * waits for locks waits no longer than that.
     */
    default Snapshot take(Optional<Duration> remaining) throws IOException, InterruptedException {
        return take();
    }

    /**
     * The parts backed up separately, each into its own object: the source itself, or one per database of a
     * PostgreSQL source.
     */
    default List<? extends SnapshotSource> units() {
        return List.of(this);
    }

    /** The name of this part within its source (a database name), or empty for a single-part source. */
    default String unitName() {
        return "";
    }
}
