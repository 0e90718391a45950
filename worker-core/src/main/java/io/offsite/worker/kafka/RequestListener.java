package io.offsite.worker.kafka;

import io.offsite.events.v1.JobRequested;
import io.offsite.worker.runtime.JobRunner;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;

/** Converts a request record and hands it to the runner. */
final class RequestListener implements MessageListener<String, SpecificRecord> {

    private final JobRunner runner;

    RequestListener(JobRunner runner) {
        this.runner = runner;
    }

    @Override
    public void onMessage(ConsumerRecord<String, SpecificRecord> record) {
        if (!(record.value() instanceof JobRequested request)) {
            throw new InvalidRequestRecordException("record at " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " is " + (record.value() == null ? "empty" : "a " + record.value().getSchema().getName())
                    + ", not a JobRequested");
        }
        runner.process(request);
    }
}
