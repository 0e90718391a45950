package io.offsite.worker.storage;

import io.offsite.worker.job.JobFailedException;

/** The object store failed or could not be reached. Unreachable storage is retryable. */
public class StorageException extends JobFailedException {

    public static final String UNAVAILABLE = "STORAGE_UNAVAILABLE";
    public static final String ERROR = "STORAGE_ERROR";

    public StorageException(String errorType, String message, boolean retryable, Throwable cause) {
        super(errorType, message, retryable, cause);
    }
}
