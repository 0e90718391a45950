package io.offsite.launcher;

/**
 * A command that was written correctly but could not do its work for a reason outside the command line — a part
 * of the system that does not answer, a login the broker refuses: exit status 1, its message as it is (it says what
 * to check).
 */
final class CommandFailure extends RuntimeException {

    CommandFailure(String message) {
        super(message);
    }

    CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
