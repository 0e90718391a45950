package io.offsite.replication.run;

import io.offsite.replication.plan.BatchProgress;
import io.offsite.replication.plan.CopyText;
import io.offsite.replication.postgres.TableWriter;
import io.offsite.replication.sqlite.UnitReader;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Consumer;

/** Hands the units a reader yields to the table's writer, adds up what they did and feeds the batch progress lines. */
final class UnitProgress {

    private final TableWriter writer;
    private final BatchProgress progress;
    private final TableWriter.FailureSink failureSink;
    private final ReplicationListener listener;
    private long nextBatch = 1;
    long read;
    long synced;
    long failed;
    long inserted;
    long updated;

    UnitProgress(TableWriter writer, BatchProgress progress, Consumer<RowFailure> failures, List<String> keyColumns,
                 ReplicationListener listener) {
        this.writer = writer;
        this.progress = progress;
        this.listener = listener;
        this.failureSink = (row, reason) -> failures.accept(new RowFailure(null, CopyText.describeKey(keyColumns, row), reason));
    }

    void write(UnitReader reader) throws SQLException, InterruptedException {
        listener.checkCancelled();
        TableWriter.UnitResult result = writer.write(reader::nextChunk, failureSink);
        read += result.rows();
        for (int b = 0; b < result.syncedPerBatch().length; b++) {
            synced += result.syncedPerBatch()[b];
            failed += result.failedPerBatch()[b];
            for (String line : progress.batchDone(nextBatch++, result.syncedPerBatch()[b], result.failedPerBatch()[b])) {
                listener.info(line);
            }
        }
        inserted += result.inserted();
        updated += result.updated();
    }
}
