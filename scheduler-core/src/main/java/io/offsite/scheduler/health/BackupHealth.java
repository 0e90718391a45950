package io.offsite.scheduler.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A check's verdict with the reason and the facts it rests on, in a stable order for display.
 *
 * @param details values are strings, numbers, booleans or nested maps of those
 */
public record BackupHealth(HealthState state, String reason, Map<String, Object> details) {

    public BackupHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
        details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
}
