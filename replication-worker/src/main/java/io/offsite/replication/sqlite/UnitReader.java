package io.offsite.replication.sqlite;

import io.offsite.replication.failure.ReplicationException;
import io.offsite.replication.plan.BatchPlan;
import io.offsite.replication.plan.BoundaryDigest;
import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.RowChunk;
import io.offsite.replication.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a table from SQLite and encodes its rows as COPY text on a thread of its own, handing them over in small
 * chunks through a bounded queue. A unit (what one COPY carries) is a run of chunks, the last one marked; the writer
 * streams each chunk into COPY as soon as it arrives, so SQLite reading, encoding and PostgreSQL's work overlap from
 * the first rows to the last, while at most about two units wait in memory. The SQLite connection is used by this
 * thread only while it runs.
 */
public final class UnitReader implements AutoCloseable {

    /** Rows per chunk: small enough that COPY starts within milliseconds, large enough to keep hand-overs cheap. */
    static final int CHUNK_ROWS = 250;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue;
    private final Thread thread;
    private volatile boolean stopped;
    /** Written by the reader before it hands over the end, read by the writer after taking it. */
    private volatile String boundaryDigest;
    private Object peeked;
    private boolean unitEnded = true;

    /**
     * Reads {@code plan}'s rows (all, or with {@code filter} those at or after {@code since}) in units as {@code units}
     * sizes them; when {@code boundary} names the watermark column and its highest value, the rows holding that value
     * are also digested ({@link #boundary()}).
     */
    public UnitReader(SqliteSnapshot sqlite, TablePlan plan, Optional<String> filter, Optional<String> since, BatchPlan units,
               Optional<Map.Entry<String, String>> boundary) {
        String sql = plan.sourceSelectSql(filter, boundary.map(Map.Entry::getKey));
        boolean[] text = plan.textColumns();
        int keys = plan.keyColumns().size();
        int width = plan.columns().size();
        Optional<String> mark = boundary.map(Map.Entry::getValue);
        this.queue = new ArrayBlockingQueue<>(Math.max(4, 2 * units.unitRows() / CHUNK_ROWS));
        this.thread = new Thread(() -> read(sqlite, sql, since, text, units, keys, width, mark), "replication-reader-" + plan.table());
        this.thread.setDaemon(true);
    }

    private UnitReader(BlockingQueue<Object> queue) {
        this.queue = queue;
        this.thread = null;
    }

    /** Units of rows already read (an incremental run's few changes), handed out as the reader's would be. */
    public static UnitReader of(List<Object[]> keys, List<byte[]> lines, BatchPlan units) throws InterruptedException {
        UnitReader reader = new UnitReader(new java.util.concurrent.LinkedBlockingQueue<>());
        Filling filling = reader.new Filling(units);
        for (int i = 0; i < lines.size(); i++) {
            filling.add(keys.get(i), lines.get(i));
        }
        filling.finish();
        reader.hand(END);
        return reader;
    }

    public UnitReader start() {
        if (thread != null) {
            thread.start();
        }
        return this;
    }

    /**
     * Reads rows whose first {@code keyColumns} values are the key and whose first {@code width} values are copied; only
     * the keys are kept beside the encoded lines.
     */
    private void read(SqliteSnapshot sqlite, String sql, Optional<String> parameter, boolean[] text, BatchPlan units, int keyColumns,
                      int width, Optional<String> mark) {
        try {
            Filling filling = new Filling(units);
            BoundaryDigest digest = new BoundaryDigest();
            sqlite.read(sql, parameter, text, values -> {
                if (stopped) {
                    throw new InterruptedException("reader stopped");
                }
                byte[] line = CopyText.row(values, width);
                if (mark.isPresent() && values[width] != null && mark.get().equals(values[width].toString())) {
                    digest.add(line);
                }
                filling.add(java.util.Arrays.copyOf(values, keyColumns), line);
            });
            filling.finish();
            boundaryDigest = mark.map(m -> digest.value()).orElse(null);
            hand(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | java.sql.SQLException | Error e) {
            offerFailure(e);
        }
    }

    /** The chunk being filled and where the current unit ends. */
    private final class Filling {
        private final BatchPlan units;
        private int unit;
        private int leftInUnit;
        private List<Object[]> rows = new ArrayList<>(CHUNK_ROWS);
        private List<byte[]> lines = new ArrayList<>(CHUNK_ROWS);

        Filling(BatchPlan units) {
            this.units = units;
            this.leftInUnit = units.unitRows(0);
        }

        void add(Object[] key, byte[] line) throws InterruptedException {
            rows.add(key);
            lines.add(line);
            if (--leftInUnit == 0) {
                handChunk(true);
                leftInUnit = units.unitRows(++unit);
            } else if (rows.size() == CHUNK_ROWS) {
                handChunk(false);
            }
        }

        void finish() throws InterruptedException {
            if (!rows.isEmpty()) {
                handChunk(true);
            }
        }

        private void handChunk(boolean endsUnit) throws InterruptedException {
            hand(new RowChunk(rows, lines, endsUnit));
            rows = new ArrayList<>(CHUNK_ROWS);
            lines = new ArrayList<>(CHUNK_ROWS);
        }
    }

    private void hand(Object item) throws InterruptedException {
        do {
            if (stopped) {
                throw new InterruptedException("reader stopped");
            }
        } while (!queue.offer(item, 100, TimeUnit.MILLISECONDS));
    }

    private void offerFailure(Throwable failure) {
        try {
            hand(failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The digest of the rows at the highest watermark, once every unit was taken; empty when not asked for. */
    public Optional<String> boundary() {
        return Optional.ofNullable(boundaryDigest);
    }

    /** Whether another unit follows; waits until the reader knows. Rethrows what stopped the reader. */
    public boolean nextUnit() throws InterruptedException {
        if (!unitEnded) {
            throw new IllegalStateException("the current unit has chunks left");
        }
        if (peeked == null) {
            peeked = queue.take();
        }
        rethrowFailure(peeked);
        unitEnded = peeked == END;
        return !unitEnded;
    }

    /** The next chunk of the current unit, or empty once its last chunk was returned. */
    public Optional<RowChunk> nextChunk() throws InterruptedException {
        if (unitEnded) {
            return Optional.empty();
        }
        Object item = peeked != null ? peeked : queue.take();
        peeked = null;
        rethrowFailure(item);
        if (item == END) { // not reached: the reader ends every unit with a marked chunk before END
            peeked = END;
            unitEnded = true;
            return Optional.empty();
        }
        RowChunk chunk = (RowChunk) item;
        unitEnded = chunk.endsUnit();
        return Optional.of(chunk);
    }

    private void rethrowFailure(Object item) {
        if (item instanceof Throwable failure) {
            peeked = failure;
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            throw new ReplicationException(ReplicationException.Kind.SOURCE_ERROR, "reading SQLite failed: " + failure.getMessage(), failure);
        }
    }

    /** Stops the reader (when the writer gave up early) and waits for it, so the SQLite connection is free again. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        queue.clear();
        if (thread != null) {
            thread.join(60_000);
        }
        queue.clear();
    }
}
