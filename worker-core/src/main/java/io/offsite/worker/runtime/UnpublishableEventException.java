package io.offsite.worker.runtime;

/**
 * An event that can never be published as it is: too large for the producer, not serializable, a topic that is
 * invalid or not authorized. Retrying cannot help, so the request that produced it is dead-lettered (or skipped)
 * instead of being redelivered for ever. Any other publishing failure is taken as transient and retried.
 */
public class UnpublishableEventException extends RuntimeException {

    public UnpublishableEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
