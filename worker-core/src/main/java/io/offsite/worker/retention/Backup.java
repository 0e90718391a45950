package io.offsite.worker.retention;

import java.time.Instant;
import java.util.Objects;

/**
 * One backup as the policy sees it: an identifier (an object key, an input line) and the instant it was taken.
 *
 * @param id unique within one planning run
 * @param time when the backup was taken
 * @param verified whether a verification proved it restorable; the newest verified backup is never deleted
 */
public record Backup(String id, Instant time, boolean verified) {

    public Backup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
    }

    /** A backup whose verification state is unknown (treated as not verified). */
    public Backup(String id, Instant time) {
        this(id, time, false);
    }
}
