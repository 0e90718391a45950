package io.offsite.worker.runtime;

import io.offsite.events.serde.EventCodec;
import io.offsite.events.v1.Artifact;
import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes every completion publishable, whatever the request and the handler produced: {@code message} and
 * {@code error.message} are cut to a configured length with a visible mark, and when the encoded event would still
 * exceed its budget (half the producer's {@code max.request.size}, leaving room for the record's overhead and
 * headers), artifacts and then stats are left out and the message says so. A completion that cannot be published
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
        List<Artifact> artifacts = new ArrayList<>(fitted.getArtifacts());
        Map<String, Long> stats = new TreeMap<>(fitted.getStats());
        int allArtifacts = artifacts.size();
        int allStats = stats.size();
        JobCompleted trimmed = fitted;
        while (!fits(trimmed) && !(artifacts.isEmpty() && stats.isEmpty())) {
            if (!artifacts.isEmpty()) {
                artifacts = new ArrayList<>(artifacts.subList(0, artifacts.size() / 2));
            } else {
                stats = firstHalf(stats);
            }
            String note = " [completion trimmed to fit the producer's max.request.size: " + (allArtifacts - artifacts.size())
                    + " of " + allArtifacts + " artifacts and " + (allStats - stats.size()) + " of " + allStats + " stats left out]";
            String message = fitted.getMessage() == null ? note.substring(1) : fitted.getMessage() + note;
            trimmed = JobCompleted.newBuilder(fitted).setArtifacts(artifacts).setStats(stats).setMessage(message).build();
        }
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

    private static Map<String, Long> firstHalf(Map<String, Long> stats) {
        Map<String, Long> half = new LinkedHashMap<>();
        stats.entrySet().stream().limit(stats.size() / 2).forEach(e -> half.put(e.getKey(), e.getValue()));
        return new TreeMap<>(half);
    }
}
