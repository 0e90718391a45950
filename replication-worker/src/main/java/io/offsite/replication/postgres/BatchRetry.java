package io.offsite.replication.postgres;

import io.offsite.replication.postgres.TableWriter.FailureSink;
import io.offsite.replication.postgres.TableWriter.UnitResult;
import io.offsite.replication.postgres.Upserter.Attempt;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Counts a unit's rows in the original's batches (by position in the unit) and isolates refused rows: a unit
 * PostgreSQL refused as a whole is sent again batch by batch, and a refused batch row by row, so that each bad row fails
 * alone.
 */
final class BatchRetry {

    private final Upserter upserter;
    private final int batchSize;

    BatchRetry(Upserter upserter, int batchSize) {
        this.upserter = upserter;
        this.batchSize = batchSize;
    }

    /** A unit of {@code n} rows that landed whole. */
    UnitResult landed(int n, long inserted, long updated) {
        return new UnitResult(n, fullBatches(n), new long[batches(n)], inserted, updated);
    }

    /**
     * Sends a refused unit again batch by batch and a refused batch row by row. Only the rows in {@code send} (all when
     * null) travel; the others were found equal in the target and count as synced.
     */
    UnitResult retry(List<Object[]> rows, List<byte[]> lines, BitSet send, FailureSink failures)
            throws SQLException, InterruptedException {
        int n = lines.size();
        int batches = batches(n);
        long[] synced = new long[batches];
        long[] failed = new long[batches];
        long inserted = 0;
        long updated = 0;
        for (int b = 0; b < batches; b++) {
            int from = b * batchSize;
            int to = Math.min(n, from + batchSize);
            synced[b] = to - from;
            List<byte[]> batchLines = pick(lines, send, from, to);
            Attempt batch = batchLines.isEmpty() ? Attempt.NOTHING : upserter.staged(batchLines);
            if (batch.error() == null) {
                inserted += batch.inserted();
                updated += batch.updated();
                continue;
            }
            for (int r = from; r < to; r++) {
                if (send != null && !send.get(r)) {
                    continue;
                }
                Attempt row = upserter.staged(lines.subList(r, r + 1));
                if (row.error() == null) {
                    inserted += row.inserted();
                    updated += row.updated();
                } else {
                    synced[b]--;
                    failed[b]++;
                    failures.failed(rows.get(r), PostgresErrors.reason(row.error()));
                }
            }
        }
        return new UnitResult(n, synced, failed, inserted, updated);
    }

    /** The lines in [from, to) that are in {@code send} (all when null). */
    static List<byte[]> pick(List<byte[]> lines, BitSet send, int from, int to) {
        if (send == null) {
            return lines.subList(from, to);
        }
        List<byte[]> picked = new ArrayList<>();
        for (int r = send.nextSetBit(from); r >= 0 && r < to; r = send.nextSetBit(r + 1)) {
            picked.add(lines.get(r));
        }
        return picked;
    }

    private int batches(int n) {
        return (n + batchSize - 1) / batchSize;
    }

    private long[] fullBatches(int n) {
        long[] synced = new long[batches(n)];
        for (int b = 0; b < synced.length; b++) {
            synced[b] = Math.min(batchSize, n - (long) b * batchSize);
        }
        return synced;
    }
}
