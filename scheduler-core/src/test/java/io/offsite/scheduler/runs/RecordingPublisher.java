package io.offsite.scheduler.runs;

import java.util.ArrayList;
import java.util.List;

/** An in-memory event log: what a scheduler published, in order, for the pure tests. */
public final class RecordingPublisher implements EventPublisher {

    public final List<Object> log = new ArrayList<>();
    public boolean failing;

    @Override
    public void publish(Requested request) {
        append(request);
    }

    @Override
    public void publish(Completed completion) {
        append(completion);
    }

    private void append(Object event) {
        if (failing) {
            throw new IllegalStateException("broker unavailable");
        }
        log.add(event);
    }

    public List<Requested> requests() {
        return log.stream().filter(Requested.class::isInstance).map(Requested.class::cast).toList();
    }

    public List<Requested> requests(String job) {
        return requests().stream().filter(r -> r.jobName().equals(job)).toList();
    }

    public List<Completed> completions() {
        return log.stream().filter(Completed.class::isInstance).map(Completed.class::cast).toList();
    }

    /** Folds everything published into {@code scheduler}, in order, as a replica reading the topics would. */
    public void replayInto(Scheduler scheduler) {
        for (Object event : List.copyOf(log)) {
            if (event instanceof Requested request) {
                scheduler.apply(request);
            } else {
                scheduler.apply((Completed) event);
            }
        }
    }
}
