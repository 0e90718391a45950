package io.offsite.scheduler.runs;

import java.time.Instant;

/** One attempt of a run, assembled from its request, start and first terminal completion. */
final class Attempt {

    final int number;
    Requested request;
    /** When the scheduler must have a completion: the request's deadline, at most the job's timeout after it saw the request. */
    Instant deadline;
    Started started;
    Completed completion;
    /** Whether the completion has been acted on (retry, dependents, last success); once, when its run is requested. */
    boolean concluded;

    Attempt(int number) {
        this.number = number;
    }

    Instant deadline() {
        return deadline;
    }

    RunStatus status() {
        if (completion != null) {
            return completion.status();
        }
        return started != null ? RunStatus.RUNNING : RunStatus.REQUESTED;
    }
}
