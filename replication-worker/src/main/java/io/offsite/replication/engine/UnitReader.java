package io.offsite.replication.engine;

import io.offsite.replication.plan.BatchPlan;
import io.offsite.replication.plan.CopyText;
import io.offsite.replication.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a table from SQLite and encodes its rows as COPY text on a thread of its own, handing over units through a
 * small bounded queue: SQLite reading and encoding overlap with PostgreSQL's work on the previous unit, while at most
 * {@code QUEUED} units wait in memory. The SQLite connection is used by this thread only while it runs.
 */
final class UnitReader implements AutoCloseable {

    /** One unit of rows: their keys (for failure reports) and their COPY lines. */
    record Unit(List<Object[]> rows, List<byte[]> lines) {
    }

    private static final int QUEUED = 2;
    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED);
    private final Thread thread;
    private volatile boolean stopped;

    /** Reads {@code plan}'s rows (all, or with {@code filter} those at or after {@code since}) in units as {@code units} sizes them. */
    UnitReader(SqliteSnapshot sqlite, TablePlan plan, Optional<String> filter, Optional<String> since, BatchPlan units) {
        String sql = plan.sourceSelectSql(filter);
        boolean[] text = plan.textColumns();
        int keys = plan.keyColumns().size();
        this.thread = new Thread(() -> read(sqlite, sql, since, text, units, keys), "replication-reader-" + plan.table());
        this.thread.setDaemon(true);
    }

    UnitReader start() {
        thread.start();
        return this;
    }

    /** Reads rows whose first {@code keyColumns} values are the key; only the keys are kept beside the encoded lines. */
    private void read(SqliteSnapshot sqlite, String sql, Optional<String> parameter, boolean[] text, BatchPlan units, int keyColumns) {
        try {
            int[] unit = {0, units.unitRows(0)};
            List<List<Object[]>> rows = new ArrayList<>(List.of(new ArrayList<>(unit[1])));
            List<List<byte[]>> lines = new ArrayList<>(List.of(new ArrayList<>(unit[1])));
            sqlite.read(sql, parameter, text, values -> {
                if (stopped) {
                    throw new InterruptedException("reader stopped");
                }
                rows.get(0).add(java.util.Arrays.copyOf(values, keyColumns));
                lines.get(0).add(CopyText.row(values));
                if (rows.get(0).size() >= unit[1]) {
                    hand(new Unit(rows.get(0), lines.get(0)));
                    unit[1] = units.unitRows(++unit[0]);
                    rows.set(0, new ArrayList<>(unit[1]));
                    lines.set(0, new ArrayList<>(unit[1]));
                }
            });
            if (!rows.get(0).isEmpty()) {
                hand(new Unit(rows.get(0), lines.get(0)));
            }
            hand(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | java.sql.SQLException | Error e) {
            offerFailure(e);
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

    /** The next unit, or empty at the end of the table. Rethrows what stopped the reader. */
    Optional<Unit> next() throws InterruptedException {
        Object item = queue.take();
        if (item == END) {
            queue.put(END);
            return Optional.empty();
        }
        if (item instanceof Unit unit) {
            return Optional.of(unit);
        }
        Throwable failure = (Throwable) item;
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new ReplicationException(ReplicationException.Kind.SOURCE_ERROR, "reading SQLite failed: " + failure.getMessage(), failure);
    }

    /** Stops the reader (when the writer gave up early) and waits for it, so the SQLite connection is free again. */
    @Override
    public void close() throws InterruptedException {
        stopped = true;
        queue.clear();
        thread.join(60_000);
        queue.clear();
    }
}
