package io.offsite.replication.run;

import java.util.ArrayList;
import java.util.List;

/** Counts the rows PostgreSQL refused in a run and keeps (and logs) the first ones. */
final class FailureLog {

    private final int keep;
    private final ReplicationListener listener;
    private final List<RowFailure> first = new ArrayList<>();
    private long count;

    FailureLog(int keep, ReplicationListener listener) {
        this.keep = keep;
        this.listener = listener;
    }

    void add(String table, String label, RowFailure failure) {
        count++;
        if (first.size() < keep) {
            RowFailure named = new RowFailure(table, failure.key(), failure.reason());
            first.add(named);
            listener.warn("  Failed {} {} {}: {}", label, table, named.key(), named.reason());
        } else if (first.size() == keep && count == keep + 1L) {
            listener.warn("  ... further failed rows are counted, not logged");
        }
    }

    List<RowFailure> first() {
        return first;
    }
}
