package io.offsite.replication.postgres;

import io.offsite.replication.plan.RowChunk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Hands out a unit's lines chunk by chunk while keeping all of them (for the retries); {@link #drain()} reads what is
 * left.
 */
final class StreamedUnit implements LineChunks {

    private final TableWriter.Chunks chunks;
    final List<Object[]> rows = new ArrayList<>();
    final List<byte[]> lines = new ArrayList<>();
    private boolean done;
    private boolean complete;
    private List<byte[]> prefetched;

    StreamedUnit(TableWriter.Chunks chunks) {
        this.chunks = chunks;
    }

    /** Reads the first chunk ahead (handed out by the next {@link #next()}); true when it is the whole unit. */
    boolean prefetch() throws InterruptedException {
        if (prefetched == null && lines.isEmpty()) {
            prefetched = next().orElse(List.of());
        }
        return complete;
    }

    @Override
    public Optional<List<byte[]>> next() throws InterruptedException {
        if (prefetched != null) {
            List<byte[]> first = prefetched;
            prefetched = null;
            return Optional.of(first);
        }
        Optional<RowChunk> chunk = done || complete ? Optional.empty() : chunks.next();
        if (chunk.isEmpty()) {
            done = true;
            return Optional.empty();
        }
        complete = chunk.get().endsUnit();
        rows.addAll(chunk.get().rows());
        lines.addAll(chunk.get().lines());
        return Optional.of(chunk.get().lines());
    }

    boolean drained() {
        return done;
    }

    void drain() throws InterruptedException {
        while (next().isPresent()) {
            // kept for the retries
        }
    }
}
