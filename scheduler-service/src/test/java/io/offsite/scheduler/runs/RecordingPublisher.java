package io.offsite.scheduler.runs;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.scheduler.kafka.AvroEvents;
import java.util.ArrayList;
import java.util.List;

/** An in-memory event log: what a scheduler published, in order, as the Avro events the service would send. */
final class RecordingPublisher implements EventPublisher {

    final List<Object> log = new ArrayList<>();
    boolean failing;

    @Override
    public void publish(Requested request) {
        append(AvroEvents.toAvro(request));
    }

    @Override
    public void publish(Completed completion) {
        append(AvroEvents.toAvro(completion));
    }

    private void append(Object event) {
        if (failing) {
            throw new IllegalStateException("broker unavailable");
        }
        log.add(event);
    }

    List<JobRequested> requests() {
        return log.stream().filter(JobRequested.class::isInstance).map(JobRequested.class::cast).toList();
    }

    List<JobRequested> requests(String job) {
        return requests().stream().filter(r -> r.getJobName().equals(job)).toList();
    }

    List<JobCompleted> completions() {
        return log.stream().filter(JobCompleted.class::isInstance).map(JobCompleted.class::cast).toList();
    }
}
