package io.offsite.scheduler.api;

import java.util.Map;

/** A request the API refuses with 400; {@code properties} become members of the problem detail. */
class BadRequestException extends RuntimeException {

    private final transient Map<String, Object> properties;

    BadRequestException(String message) {
        this(message, Map.of());
    }

    BadRequestException(String message, Map<String, Object> properties) {
        super(message);
        this.properties = Map.copyOf(properties);
    }

    Map<String, Object> properties() {
        return properties;
    }
}
