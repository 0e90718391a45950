package io.offsite.events.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing any Offsite event in Avro single-object encoding. */
public class EventSerializer implements Serializer<SpecificRecord> {

    private final EventCodec codec = new EventCodec();

    @Override
    public byte[] serialize(String topic, SpecificRecord data) {
        return data == null ? null : codec.encode(data);
    }
}
