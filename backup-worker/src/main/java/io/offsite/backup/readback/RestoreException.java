package io.offsite.backup.readback;

/** A restore or a verification that cannot go on; the message says why and what to do. */
public class RestoreException extends RuntimeException {

    public RestoreException(String message) {
        super(message);
    }

    public RestoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
