package io.offsite.worker.kafka;

import io.offsite.worker.runtime.EventPublisher;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes events and waits for the broker's acknowledgement, so a lost event surfaces as an exception. */
final class KafkaEventPublisher implements EventPublisher {

    private final KafkaTemplate<String, SpecificRecord> template;

    KafkaEventPublisher(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    @Override
    public void publish(String topic, String key, SpecificRecord event) {
        try {
            template.send(topic, key, event).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while publishing " + event.getSchema().getName() + " to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot publish " + event.getSchema().getName() + " to " + topic + ": " + e.getMessage(), e);
        }
    }
}
