package io.offsite.launcher;

/** A command line that cannot be run as written; its message says what to type instead. */
final class UsageException extends RuntimeException {

    UsageException(String message) {
        super(message);
    }
}
