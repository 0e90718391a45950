package io.offsite.worker.kafka;

import io.offsite.worker.runtime.EventPublisher;
import io.offsite.worker.runtime.UnpublishableEventException;
import java.time.Duration;
import org.apache.avro.specific.SpecificRecord;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Publishes events and waits for the broker's acknowledgement, so a lost event surfaces as an exception: an
 * {@link UnpublishableEventException} when retrying cannot help (see {@link PublishFailures}), a
 * {@link KafkaException} when it may.
 */
final class KafkaEventPublisher implements EventPublisher {

    private static final Duration ACKNOWLEDGEMENT = Duration.ofSeconds(60);

    private final KafkaTemplate<String, SpecificRecord> template;

    KafkaEventPublisher(KafkaTemplate<String, SpecificRecord> template) {
        this.template = template;
    }

    @Override
    public void publish(String topic, String key, SpecificRecord event) {
        PublishFailures.await(() -> template.send(topic, key, event), event.getSchema().getName() + " to " + topic, ACKNOWLEDGEMENT);
    }
}
