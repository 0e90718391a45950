package io.offsite.scheduler.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.offsite.events.RejectedEvents;
import io.offsite.events.serde.EventDecodingException;
import io.offsite.events.serde.EventDeserializer;
import io.offsite.events.v1.JobCompleted;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.listener.MessageListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads completions in its own consumer group and posts each one the filter accepts to the webhook, on
 * the consumer's thread: the scheduler's own reader and its decisions never wait for it. The offset of a
 * record is committed once its notification was delivered or given up, so a replica stopping mid-way
 * leaves the record to the replica that takes over its partition.
 */
final class CompletionNotifier implements MessageListener<String, byte[]>, ConsumerAwareRebalanceListener {

    private static final Logger log = LoggerFactory.getLogger(CompletionNotifier.class);
    /** The {@code consumer} tag of the notifier's rejected records. */
    static final String CONSUMER = "scheduler-webhook";

    private final NotificationFilter filter;
    private final WebhookClient client;
    private final MeterRegistry registry;
    private final RejectedEvents rejected;
    private final JsonMapper json = JsonMapper.builder().build();
    private final EventDeserializer deserializer = new EventDeserializer();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile List<TopicPartition> assigned = List.of();
    private volatile String lastFailure;

    CompletionNotifier(NotificationFilter filter, WebhookClient client, MeterRegistry registry) {
        this.filter = filter;
        this.client = client;
        this.registry = registry;
        this.rejected = new RejectedEvents(registry);
    }

    /**
     * Notifies one record if it is a final outcome of one of our jobs. Nothing a record holds may stop this consumer:
     * a record that does not decode, or whose notification fails in an unexpected way, is counted, logged and
     * skipped (its offset committed), never retried without end.
     */
    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
        SpecificRecord event = decode(record);
        if (event instanceof JobCompleted completion && filter.accepts(completion)) {
            MDC.put("runId", completion.getRunId());
            MDC.put("job", completion.getJobName());
            try {
                notify(completion);
            } catch (RuntimeException e) {
                log.error("Notifying record {}-{}@{} failed; skipping it", record.topic(), record.partition(),
                        record.offset(), e);
                rejected.reject(CONSUMER, record.topic(), record.partition(), record.offset(), "unusable", e.toString());
            } finally {
                MDC.remove("runId");
                MDC.remove("job");
            }
        }
    }

    private void notify(JobCompleted completion) {
        WebhookNotification notification = WebhookNotification.of(completion);
        Delivery delivery = client.post(json.writeValueAsString(notification));
        String job = completion.getJobName();
        if (delivery.attempts() > 1) {
            registry.counter("offsite.scheduler.webhook.retries", "job", job).increment(delivery.attempts() - 1);
        }
        if (delivery.delivered()) {
            sent.incrementAndGet();
            registry.counter("offsite.scheduler.webhook.notifications", "job", job, "outcome", "sent").increment();
            log.info("Notified {} of {} {} ({} attempt(s))", client.target(), completion.getRunId(),
                    notification.status(), delivery.attempts());
        } else {
            failed.incrementAndGet();
            registry.counter("offsite.scheduler.webhook.notifications", "job", job, "outcome", "failed").increment();
            lastFailure = completion.getRunId() + ": " + delivery.problem();
            log.warn("Could not notify {} of {} {} after {} attempt(s): {}", client.target(), completion.getRunId(),
                    notification.status(), delivery.attempts(), delivery.problem());
        }
    }

    private SpecificRecord decode(ConsumerRecord<String, byte[]> record) {
        try {
            return deserializer.deserialize(record.topic(), record.value());
        } catch (EventDecodingException e) { // decoding is total: whatever the bytes, nothing else comes out
            rejected.reject(CONSUMER, record.topic(), record.partition(), record.offset(), e.reason(), e.getMessage());
        }
        return null;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // resolve the start positions now, so that once a partition shows as assigned nothing later is missed
        partitions.forEach(consumer::position);
        List<TopicPartition> now = new java.util.ArrayList<>(assigned);
        now.addAll(partitions);
        assigned = List.copyOf(now);
    }

    @Override
    public void onPartitionsRevokedAfterCommit(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<TopicPartition> now = new java.util.ArrayList<>(assigned);
        now.removeAll(partitions);
        assigned = List.copyOf(now);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        onPartitionsRevokedAfterCommit(consumer, partitions);
    }

    List<TopicPartition> assigned() {
        return assigned;
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    String lastFailure() {
        return lastFailure;
    }
}
