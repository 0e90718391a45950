package io.offsite.events.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for Offsite events in Avro single-object encoding. Throws a subclass of
 * {@link EventDecodingException} (a Kafka {@code SerializationException}) for bytes it cannot decode.
 */
public class EventDeserializer implements Deserializer<SpecificRecord> {

    private final EventCodec codec = new EventCodec();

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}
