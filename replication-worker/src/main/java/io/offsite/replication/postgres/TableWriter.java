package io.offsite.replication.postgres;

import io.offsite.replication.plan.RowChunk;
import io.offsite.replication.plan.TablePlan;
import io.offsite.replication.postgres.Upserter.Attempt;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Writes one table's rows into PostgreSQL a unit at a time, streaming each unit into COPY as its chunks arrive
 * ({@link Upserter}). A unit that fails is retried batch by batch and a batch that fails row by row, each under its own
 * savepoint, so one bad row fails alone ({@link BatchRetry}).
 *
 * <p>When the target was empty at the start, units are copied straight into it (the raw load path); the first unit
 * that fails switches the table back to the staged path. A full run into a target that holds rows compares each
 * unit's rows with the target's first and sends only those it does not hold as they are ({@link TargetComparison}).
 */
public final class TableWriter {

    /** What a unit did, batch by batch. */
    public record UnitResult(int rows, long[] syncedPerBatch, long[] failedPerBatch, long inserted, long updated) {
    }

    /** Called for each row PostgreSQL refused. */
    public interface FailureSink {
        void failed(Object[] row, String reason);
    }

    /** The chunks of one unit as they are read; empty after the last. */
    public interface Chunks {
        Optional<RowChunk> next() throws InterruptedException;
    }

    private final Connection pg;
    private final CopyManager copy;
    private final TablePlan plan;
    private final Upserter upserter;
    private final TargetComparison comparison;
    private final BatchRetry retry;
    private boolean direct;

    /**
     * @param castTypes the target's column types without modifiers, by column
     * @param direct copy straight into the target (it was empty when the run began)
     * @param compare how to find the rows that need to travel (for full runs into a target that holds rows)
     * @param inMemoryLimit for {@link Compare#IN_MEMORY}: past this many bytes of the target's text, rows are looked up
     */
    public TableWriter(Connection pg, TablePlan plan, Map<String, String> castTypes, int batchSize, boolean direct, Compare compare,
                       long inMemoryLimit) throws SQLException {
        this.pg = pg;
        this.copy = pg.unwrap(PGConnection.class).getCopyAPI();
        this.plan = plan;
        this.direct = direct;
        this.upserter = new Upserter(pg, copy, plan, castTypes);
        this.comparison = new TargetComparison(pg, copy, plan, castTypes, direct ? Compare.NONE : compare, inMemoryLimit);
        this.retry = new BatchRetry(upserter, batchSize);
    }

    /**
     * Writes one unit, streaming its chunks into COPY as they arrive. Everything streamed is also kept, so that a unit
     * PostgreSQL refuses can be retried batch by batch and row by row.
     */
    public UnitResult write(Chunks chunks, FailureSink failures) throws SQLException, InterruptedException {
        StreamedUnit unit = new StreamedUnit(chunks);
        if (direct) {
            Savepoint sp = pg.setSavepoint();
            try {
                CopyWriter.copy(copy, plan.copyIntoTargetSql(), unit);
                pg.releaseSavepoint(sp);
                int n = unit.lines.size();
                return retry.landed(n, n, 0);
            } catch (SQLException e) {
                PostgresErrors.rethrowUnlessRowLevel(e);
                pg.rollback(sp);
                direct = false;
                unit.drain();
            }
        }
        Attempt whole;
        BitSet send = null; // the rows to send, all when null
        if (comparison.active()) {
            unit.drain();
            send = comparison.toSend(unit.rows, unit.lines);
            List<byte[]> lines = BatchRetry.pick(unit.lines, send, 0, unit.lines.size());
            whole = lines.isEmpty() ? Attempt.NOTHING : upserter.smallOrStaged(lines);
        } else if (unit.drained()) { // a direct copy refused it: staged, so that the retries can isolate rows
            whole = upserter.staged(unit.lines);
        } else {
            whole = upserter.smallOrStaged(unit);
        }
        unit.drain();
        if (whole.error() == null) {
            return retry.landed(unit.lines.size(), whole.inserted(), whole.updated());
        }
        return retry.retry(unit.rows, unit.lines, send, failures);
    }
}
