package io.offsite.worker.job;

/** The request can never succeed as sent (unknown job, source or parameter): the run ends {@code REJECTED}. */
public class JobRejectedException extends RuntimeException {

    private final String errorType;

    public JobRejectedException(String errorType, String message) {
        super(message);
        this.errorType = errorType;
    }

    public String errorType() {
        return errorType;
    }
}
