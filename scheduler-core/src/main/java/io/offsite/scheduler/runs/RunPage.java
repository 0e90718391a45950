package io.offsite.scheduler.runs;

import java.time.Instant;
import java.util.List;

/**
 * One page of the run history.
 *
 * @param runs        the runs, newest first
 * @param next        the position after the last run when more runs match; null on the last page
 * @param historyFrom when the oldest run still held (of the queried job, or of all jobs) was requested; null when none is
 * @param truncated   whether older runs (of the queried job, or of any job) were dropped to keep memory bounded
 * @param droppedRuns how many runs were dropped
 */
public record RunPage(List<RunSummary> runs, RunQuery.Position next, Instant historyFrom, boolean truncated,
        long droppedRuns) {
}
