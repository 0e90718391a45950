package io.offsite.scheduler.runs;

import java.util.function.BooleanSupplier;

/** Whether this replica currently leads; for metrics and the API. */
public record LeadershipStatus(BooleanSupplier leading) {

    public boolean isLeader() {
        return leading.getAsBoolean();
    }
}
