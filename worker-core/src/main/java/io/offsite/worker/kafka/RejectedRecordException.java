package io.offsite.worker.kafka;

/**
 * A record on a request topic that decodes but cannot be run: empty, not a {@code JobRequested}, or past the
 * request limits. It goes to the dead-letter topic at once, with {@link #reason()} in its headers and counter.
 */
final class RejectedRecordException extends RuntimeException {

    private final String reason;

    RejectedRecordException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** A short, stable, lower-case name of why the record was refused. */
    String reason() {
        return reason;
    }
}
