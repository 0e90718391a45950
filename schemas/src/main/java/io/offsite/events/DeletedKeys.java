package io.offsite.events;

import io.offsite.events.v1.JobCompleted;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The bound of {@code JobCompleted.deletedKeys}, the object keys a run deleted from the bucket, and how a reader
 * tells a complete list from a cut one. A rotation may delete thousands of objects; a completion carries at most
 * {@link #MAX_KEYS} keys of at most {@link #MAX_KEY_LENGTH} characters, {@link #MAX_TOTAL_CHARS} in all. A run
 * that deleted more reports none and sets the stat {@link #TRUNCATED_STAT} to 1: a reader that keeps a view of the
 * bucket lists the series again instead.
 *
 * <p>The one definition of these rules: the rotation worker writes the field with {@link #report}, the scheduler
 * reads it with {@link #of}.
 */
public final class DeletedKeys {

    /** Most keys in one completion. */
    public static final int MAX_KEYS = 1_000;
    /** Longest key: S3's own limit of an object key (in UTF-8 bytes; a key of more characters is never valid). */
    public static final int MAX_KEY_LENGTH = 1_024;
    /** Most characters of all keys together: with the rest of a completion well within half of Kafka's 1 MB default. */
    public static final int MAX_TOTAL_CHARS = 256 * 1024;
    /** Stat set to 1 when the run deleted keys it could not list in the completion. */
    public static final String TRUNCATED_STAT = "deleted_keys_truncated";

    private DeletedKeys() {
    }

    /** What a completion says about the keys its run deleted. */
    public sealed interface Reported {
    }

    /** Every key the run deleted (possibly none). */
    public record Complete(List<String> keys) implements Reported {
        public Complete {
            keys = List.copyOf(keys);
        }
    }

    /** The run deleted keys it does not list (too many, or a list past the bounds): the reader must list again. */
    public record Truncated(String reason) implements Reported {
    }

    /**
     * Sets {@code deletedKeys} of a completion being built: the keys when they are within the bounds, otherwise none
     * and the stat {@link #TRUNCATED_STAT} = 1 added to {@code stats}.
     */
    public static List<String> report(Collection<String> deleted, Map<String, Long> stats) {
        if (within(deleted)) {
            return List.copyOf(deleted);
        }
        stats.put(TRUNCATED_STAT, 1L);
        return List.of();
    }

    /** What an untrusted completion says: a list past the bounds counts as cut, never as complete. */
    public static Reported of(JobCompleted completion) {
        return of(completion.getDeletedKeys(), completion.getStats());
    }

    /** What a completion's {@code deletedKeys} and {@code stats} say, for a reader that holds them apart from the event. */
    public static Reported of(List<String> deletedKeys, Map<String, Long> stats) {
        Long truncated = stats == null ? null : stats.get(TRUNCATED_STAT);
        if (truncated != null && truncated != 0) {
            return new Truncated("the run deleted more keys than its completion lists (" + TRUNCATED_STAT + ")");
        }
        List<String> keys = deletedKeys == null ? List.of() : deletedKeys;
        if (!within(keys)) {
            return new Truncated("the completion lists " + keys.size() + " deleted keys, past the bounds of " + MAX_KEYS
                    + " keys of at most " + MAX_KEY_LENGTH + " characters");
        }
        return new Complete(keys);
    }

    private static boolean within(Collection<String> keys) {
        if (keys.size() > MAX_KEYS) {
            return false;
        }
        long total = 0;
        for (String key : keys) {
            if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
                return false;
            }
            total += key.length();
        }
        return total <= MAX_TOTAL_CHARS;
    }
}
