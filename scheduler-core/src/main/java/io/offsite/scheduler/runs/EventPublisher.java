package io.offsite.scheduler.runs;

/**
 * Where the scheduler's decisions go: the scheduler service publishes each as its event. Each call returns once the
 * event is durably stored, or throws.
 */
public interface EventPublisher {

    void publish(Requested request);

    void publish(Completed completion);
}
