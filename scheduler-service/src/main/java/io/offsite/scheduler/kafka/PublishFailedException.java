package io.offsite.scheduler.kafka;

/** An event could not be stored on Kafka in time; the decision is retried on the next tick. */
public class PublishFailedException extends RuntimeException {

    PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
