package io.offsite.rotation.inventory;

import java.util.Objects;

/** An object as a bucket listing shows it. */
public record ListedObject(String key, long size) {

    public ListedObject {
        Objects.requireNonNull(key, "key");
    }
}
