package io.offsite.scheduler.cron;

/** A cron expression that cannot be parsed; the message says which field is wrong and why. */
public class InvalidCronException extends IllegalArgumentException {

    public InvalidCronException(String message) {
        super(message);
    }

    public InvalidCronException(String message, Throwable cause) {
        super(message, cause);
    }
}
