package io.offsite.worker.runtime;

/**
 * The worker stopped while a job ran. No completion is published and the request's offset is not committed,
 * so another instance of the worker runs it again.
 */
public class WorkerShutdownException extends RuntimeException {

    public WorkerShutdownException(String message) {
        super(message);
    }
}
