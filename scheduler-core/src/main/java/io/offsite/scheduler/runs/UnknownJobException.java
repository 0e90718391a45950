package io.offsite.scheduler.runs;

/** A trigger named a job that is not defined. */
public class UnknownJobException extends RuntimeException {

    public UnknownJobException(String job) {
        super("unknown job '" + job + "'");
    }
}
