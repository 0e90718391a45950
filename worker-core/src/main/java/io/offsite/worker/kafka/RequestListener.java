package io.offsite.worker.kafka;

import io.offsite.events.v1.JobRequested;
import io.offsite.worker.runtime.JobRunner;
import io.offsite.events.RequestLimits;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.listener.MessageListener;

/**
 * Converts a request record, refuses what the runtime cannot answer (an empty record, another event type, a
 * request past the limits: dead-lettered by the error handler), and hands the rest to the runner.
 */
final class RequestListener implements MessageListener<String, SpecificRecord> {

    static final String EMPTY = "empty";
    static final String NOT_A_REQUEST = "not-a-request";

    private final JobRunner runner;
    private final RequestLimits limits;

    RequestListener(JobRunner runner, RequestLimits limits) {
        this.runner = runner;
        this.limits = limits;
    }

    @Override
    public void onMessage(ConsumerRecord<String, SpecificRecord> record) {
        if (record.value() == null) {
            throw new RejectedRecordException(EMPTY, "record at " + where(record) + " is empty, not a JobRequested");
        }
        if (!(record.value() instanceof JobRequested request)) {
            throw new RejectedRecordException(NOT_A_REQUEST, "record at " + where(record) + " is a "
                    + record.value().getSchema().getName() + ", not a JobRequested");
        }
        limits.check(request).ifPresent(refusal -> {
            throw new RejectedRecordException(refusal.reason(), "request at " + where(record) + " refused: " + refusal.detail());
        });
        runner.process(request);
    }

    private static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
