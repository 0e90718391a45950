package io.offsite.worker.kafka;

import io.offsite.events.Topics;
import io.offsite.events.serde.EventDecodingException;
import io.offsite.events.RejectedEvents;
import io.offsite.worker.runtime.UnpublishableEventException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Where a refused request record goes: to the dead-letter topic of its request topic, with Spring's
 * {@code kafka_dlt-*} headers, {@value #REASON_HEADER} (the stable reason word) and {@value #DETAIL_HEADER} (what
 * exactly was wrong); Spring's {@code kafka_dlt-exception-message} says {@code <reason>: <detail>} rather than a
 * wrapper's "failed to deserialize", so whoever reads the dead letter sees why at once. Counted in {@code offsite_events_rejected_total} and
 * logged in one WARN line naming topic, partition, offset and reason. A record that can never be dead-lettered
 * (too large for the producer once the headers are added, not serializable, a topic it may not write) is skipped:
 * logged and counted the same way and its offset committed, so it cannot stall its partition. A dead-letter
 * publication that fails for a reason that may pass (the broker unreachable) is thrown, and the record retried.
 */
final class RecordRejecter extends DeadLetterPublishingRecoverer {

    static final String REASON_HEADER = "offsite-rejected-reason";
    static final String DETAIL_HEADER = "offsite-rejected-detail";
    static final String UNDECODABLE = "undecodable";
    static final String UNPUBLISHABLE_EVENT = "unpublishable-event";
    static final String UNEXPECTED = "unexpected-error";

    private static final Duration ACKNOWLEDGEMENT = Duration.ofSeconds(90);

    private final RejectedEvents rejected;

    RecordRejecter(KafkaOperations<?, ?> deadLetters, RejectedEvents rejected) {
        super(deadLetters, (record, exception) -> new TopicPartition(Topics.deadLetterTopic(record.topic()), -1));
        this.rejected = rejected;
        setHeadersFunction((record, exception) -> new RecordHeaders(new Header[] {
                new RecordHeader(REASON_HEADER, reason(exception).getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(DETAIL_HEADER, detail(exception).getBytes(StandardCharsets.UTF_8))}));
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, Exception exception) {
        accept(record, consumer, consumer == null ? "unknown" : consumer.groupMetadata().groupId(), exception);
    }

    /** Rejects a record away from its consumer's thread (a job thread), counted under the given consumer group. */
    void accept(ConsumerRecord<?, ?> record, String group, Exception exception) {
        accept(record, null, group, exception);
    }

    private void accept(ConsumerRecord<?, ?> record, Consumer<?, ?> consumer, String group, Exception exception) {
        String reason = reason(exception);
        String fate;
        try {
            super.accept(record, consumer, exception);
            fate = "dead-lettered to " + Topics.deadLetterTopic(record.topic());
        } catch (UnpublishableEventException e) {
            fate = "skipped, it cannot be dead-lettered: " + e.getMessage();
        }
        rejected.reject(group, record.topic(), record.partition(), record.offset(), reason, detail(exception) + "; " + fate);
    }

    /** Publishes the dead letter and waits for it; a permanent failure becomes {@link UnpublishableEventException}. */
    @Override
    protected void publish(ProducerRecord<Object, Object> outRecord, KafkaOperations<Object, Object> kafkaTemplate,
                           ConsumerRecord<?, ?> inRecord) {
        statesTheReason(outRecord.headers());
        PublishFailures.await(() -> kafkaTemplate.send(outRecord), "dead letter of " + inRecord.topic() + "-"
                + inRecord.partition() + "@" + inRecord.offset() + " to " + outRecord.topic(), ACKNOWLEDGEMENT);
    }

    /** The stable, lower-case reason a record was refused, from the exception the listener or deserializer threw. */
    static String reason(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedRecordException rejected) {
                return rejected.reason();
            }
            if (t instanceof UnpublishableEventException) {
                return UNPUBLISHABLE_EVENT;
            }
            if (t instanceof DeserializationException undecodable) {
                if (undecodable.getData() == null || undecodable.getData().length == 0) {
                    return RequestListener.EMPTY;
                }
                for (Throwable cause = undecodable.getCause(); cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                    if (cause instanceof EventDecodingException decoding) {
                        return decoding.reason();
                    }
                }
                return UNDECODABLE;
            }
        }
        return UNEXPECTED;
    }

    /**
     * Replaces Spring's {@code kafka_dlt-exception-message} (for an undecodable record only the deserializer wrapper's
     * "failed to deserialize") with {@code <reason>: <detail>} from this recoverer's own headers.
     */
    static void statesTheReason(Headers headers) {
        Header reason = headers.lastHeader(REASON_HEADER);
        Header detail = headers.lastHeader(DETAIL_HEADER);
        if (reason == null || detail == null) {
            return;
        }
        String message = new String(reason.value(), StandardCharsets.UTF_8) + ": " + new String(detail.value(), StandardCharsets.UTF_8);
        headers.remove(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, message.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * What exactly was wrong, in one short line ({@link RejectedEvents#abbreviate}: anyone could write the record):
     * the message of the refusal or decoding failure the chain holds, else the innermost failure with its type.
     */
    static String detail(Throwable exception) {
        Throwable innermost = exception;
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeserializationException undecodable
                    && (undecodable.getData() == null || undecodable.getData().length == 0)) {
                return "the record's value is empty, not a JobRequested in Avro single-object encoding";
            }
            if (t instanceof RejectedRecordException || t instanceof EventDecodingException) {
                return RejectedEvents.abbreviate(t.getMessage());
            }
            innermost = t;
        }
        return RejectedEvents.abbreviate(innermost.getClass().getSimpleName() + ": " + innermost.getMessage());
    }
}
