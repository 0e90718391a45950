package io.offsite.scheduler.runs;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The run ids the scheduler gives the runs it requests: the same on every replica, so a run is requested once. */
public final class RunIds {

    private RunIds() {
    }

    /** A cron fire's or manual trigger's run: {@code job@instant}, to the millisecond. */
    public static String of(String job, Instant scheduledFor) {
        return job + "@" + scheduledFor.truncatedTo(ChronoUnit.MILLIS);
    }

    /** The run of {@code job} that {@code upstreamRunId}'s success owes it. */
    public static String ofDependency(String job, String upstreamRunId) {
        return job + "@after:" + upstreamRunId;
    }
}
