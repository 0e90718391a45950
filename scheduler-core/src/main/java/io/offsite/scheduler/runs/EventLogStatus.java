package io.offsite.scheduler.runs;

import java.util.function.BooleanSupplier;

/** Whether this replica has read the state topics up to where they ended when it started; before that its view is partial. */
public record EventLogStatus(BooleanSupplier caughtUp) {

    public boolean isCaughtUp() {
        return caughtUp.getAsBoolean();
    }
}
