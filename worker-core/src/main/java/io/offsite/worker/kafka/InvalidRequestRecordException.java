package io.offsite.worker.kafka;

/** A record on a request topic that decodes, but is not a {@code JobRequested}: it goes to the dead-letter topic. */
final class InvalidRequestRecordException extends RuntimeException {

    InvalidRequestRecordException(String message) {
        super(message);
    }
}
