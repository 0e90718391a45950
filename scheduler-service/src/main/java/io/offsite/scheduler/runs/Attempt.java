package io.offsite.scheduler.runs;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import java.time.Instant;

/** One attempt of a run, assembled from its request, start and first terminal completion. */
final class Attempt {

    final int number;
    JobRequested request;
    JobStarted started;
    JobCompleted completion;

    Attempt(int number) {
        this.number = number;
    }

    Instant deadline() {
        return request == null ? null : request.getDeadline();
    }

    RunStatus status() {
        if (completion != null) {
            return RunStatus.valueOf(completion.getStatus().name());
        }
        return started != null ? RunStatus.RUNNING : RunStatus.REQUESTED;
    }
}
