package io.offsite.worker.runtime;

import io.offsite.events.DeletedKeys;
import io.offsite.events.serde.EventCodec;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Makes every completion publishable, whatever the request and the handler produced: {@code message} and
 * {@code error.message} are cut to a configured length with a visible mark, and when the encoded event would still
 * exceed its budget (half the producer's {@code max.request.size}, leaving room for the record's overhead and
 * headers), stats and then artifacts are left out (as few as needed) and the message says so. A completion that cannot be published
 * would stall its partition: the request would be retried for ever.
 */
public final class CompletionFitter {

    private final EventCodec codec = new EventCodec();
    private final int messageLength;
    private final int budgetBytes;

    /**
     * @param messageLength longest message and error message, in chars
     * @param maxRequestSize the producer's {@code max.request.size}, in bytes
     */
    public CompletionFitter(int messageLength, int maxRequestSize) {
        if (messageLength < 64 || maxRequestSize < 16 * 1024) {
            throw new IllegalArgumentException("message length " + messageLength + " or max.request.size " + maxRequestSize + " too small");
        }
        this.messageLength = messageLength;
        this.budgetBytes = maxRequestSize / 2;
    }

    /** {@code text} when it has at most {@code max} chars, else its start and {@code "… (truncated, N chars)"}. */
    public static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        String mark = "… (truncated, " + text.length() + " chars)";
        int keep = Math.max(0, max - mark.length());
        if (keep > 0 && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--;
        }
        return text.substring(0, keep) + mark;
    }

    public int budgetBytes() {
        return budgetBytes;
    }

    public JobCompleted fit(JobCompleted completed) {
        JobCompleted fitted = JobCompleted.newBuilder(completed)
                .setMessage(truncate(completed.getMessage(), messageLength))
                .setError(error(completed.getError()))
                .build();
        if (fits(fitted)) {
            return fitted;
        }
        if (!fitted.getDeletedKeys().isEmpty()) {
            // deleted keys go first: readers that miss them list the bucket again when the stat says so
            Map<String, Long> stats = new LinkedHashMap<>(fitted.getStats());
            stats.put(DeletedKeys.TRUNCATED_STAT, 1L);
            JobCompleted withoutKeys = JobCompleted.newBuilder(fitted).setDeletedKeys(new ArrayList<>()).setStats(stats).build();
            return fits(withoutKeys) ? withoutKeys : fitWithoutKeys(completed, withoutKeys);
        }
        return fitWithoutKeys(completed, fitted);
    }

    private JobCompleted fitWithoutKeys(JobCompleted completed, JobCompleted fitted) {
        // stats go first (counters), artifacts last: they name what the run stored
        List<Artifact> artifacts = fitted.getArtifacts();
        List<Map.Entry<String, Long>> stats = new ArrayList<>(new TreeMap<>(fitted.getStats()).entrySet());
        int keptStats = largestFitting(stats.size(), n -> trimmed(fitted, artifacts, artifacts.size(), stats, n));
        int keptArtifacts = keptStats > 0 ? artifacts.size()
                : largestFitting(artifacts.size(), n -> trimmed(fitted, artifacts, n, stats, 0));
        JobCompleted trimmed = trimmed(fitted, artifacts, keptArtifacts, stats, keptStats);
        if (!fits(trimmed)) {
            throw new UnpublishableEventException("completion of run " + completed.getRunId() + " does not fit in "
                    + budgetBytes + " bytes even without artifacts and stats", null);
        }
        return trimmed;
    }

    private JobError error(JobError error) {
        if (error == null) {
            return null;
        }
        String type = error.getType() == null || error.getType().isBlank() ? "UNSPECIFIED" : truncate(error.getType(), 256);
        String message = error.getMessage() == null ? "" : truncate(error.getMessage(), messageLength);
        return new JobError(type, message);
    }

    /** Whether the event encodes within the budget; an event that does not encode at all does not fit either. */
    private boolean fits(JobCompleted completed) {
        try {
            return codec.encode(completed).length <= budgetBytes;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The largest {@code n} in {@code [0, max]} whose completion fits (0 when none does), by bisection. */
    private int largestFitting(int max, IntFunction<JobCompleted> withFirst) {
        int low = 0;
        int high = max;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (fits(withFirst.apply(mid))) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** The completion with its first {@code artifactCount} artifacts and {@code statCount} stats, saying what was left out. */
    private static JobCompleted trimmed(JobCompleted fitted, List<Artifact> artifacts, int artifactCount,
                                        List<Map.Entry<String, Long>> stats, int statCount) {
        Map<String, Long> kept = new LinkedHashMap<>();
        stats.subList(0, statCount).forEach(e -> kept.put(e.getKey(), e.getValue()));
        String note = "[completion trimmed to fit the producer's max.request.size: " + (artifacts.size() - artifactCount)
                + " of " + artifacts.size() + " artifacts and " + (stats.size() - statCount) + " of " + stats.size() + " stats left out]";
        return JobCompleted.newBuilder(fitted)
                .setArtifacts(new ArrayList<>(artifacts.subList(0, artifactCount)))
                .setStats(kept)
                .setMessage(fitted.getMessage() == null ? note : fitted.getMessage() + " " + note)
                .build();
    }
}
