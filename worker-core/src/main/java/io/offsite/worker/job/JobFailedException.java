package io.offsite.worker.job;

/** The run failed for a reason the handler understands; the run ends {@code FAILED}. */
public class JobFailedException extends RuntimeException {

    private final String errorType;
    private final boolean retryable;

    public JobFailedException(String errorType, String message, boolean retryable) {
        this(errorType, message, retryable, null);
    }

    public JobFailedException(String errorType, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.errorType = errorType;
        this.retryable = retryable;
    }

    public String errorType() {
        return errorType;
    }

    public boolean retryable() {
        return retryable;
    }
}
