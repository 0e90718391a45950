package io.offsite.worker.runtime;

import org.apache.avro.specific.SpecificRecord;

/** Publishes one event and returns once the broker has acknowledged it. */
public interface EventPublisher {

    void publish(String topic, String key, SpecificRecord event);
}
