package io.offsite.worker.artifact;

import java.time.Instant;
import java.util.Objects;

/**
 * An object as a bucket listing shows it.
 *
 * @param lastModified when the store last wrote it; null when not known
 */
public record ListedObject(String key, long size, Instant lastModified) {

    public ListedObject {
        Objects.requireNonNull(key, "key");
    }

    public ListedObject(String key, long size) {
        this(key, size, null);
    }
}
