package io.offsite.scheduler.runs;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;

/** Where the scheduler's decisions go. Each call returns once the event is durably stored, or throws. */
public interface EventPublisher {

    void publish(JobRequested request);

    void publish(JobCompleted completion);
}
