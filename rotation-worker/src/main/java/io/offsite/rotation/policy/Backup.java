package io.offsite.rotation.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * One backup as the policy sees it: an identifier (an object key, an input line) and the instant it was taken.
 *
 * @param id unique within one planning run
 * @param time when the backup was taken
 */
public record Backup(String id, Instant time) {

    public Backup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(time, "time");
    }
}
