package io.offsite.worker.storage;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** An object in the bucket: key, size, last-modified time and (when read with HEAD) its user metadata. */
public record StoredObject(String key, long size, Instant lastModified, Map<String, String> metadata) {

    public StoredObject {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    public Optional<String> meta(String name) {
        return Optional.ofNullable(metadata.get(name));
    }
}
