package io.offsite.replication.run;

import java.time.Duration;
import java.util.List;

/** The outcome of one replication: per-table reports, the first refused rows, and the total time. */
public record ReplicationReport(String source, List<TableReport> tables, List<RowFailure> firstFailures, Duration took) {

    public ReplicationReport {
        tables = List.copyOf(tables);
        firstFailures = List.copyOf(firstFailures);
    }

    public long replicated() {
        return tables.stream().mapToLong(TableReport::replicated).sum();
    }

    public long failed() {
        return tables.stream().mapToLong(TableReport::failed).sum();
    }

    public boolean complete() {
        return failed() == 0;
    }
}
