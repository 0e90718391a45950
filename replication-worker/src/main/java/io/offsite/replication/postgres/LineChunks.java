package io.offsite.replication.postgres;

import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Lines to copy, a chunk at a time; empty at the end. */
interface LineChunks {

    Optional<List<byte[]>> next() throws InterruptedException;

    /** All of {@code lines} as one chunk. */
    static LineChunks of(List<byte[]> lines) {
        Iterator<List<byte[]>> range = List.of(lines).iterator();
        return () -> range.hasNext() ? Optional.of(range.next()) : Optional.empty();
    }
}
