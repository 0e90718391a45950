package io.offsite.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.serde.EventDecodingException;
import io.offsite.worker.runtime.UnpublishableEventException;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.serializer.DeserializationException;

/** The reason a refused record is counted and dead-lettered with, from what the deserializer or the listener threw. */
class RecordRejecterTest {

    static DeserializationException undecodable(byte[] data, Throwable cause) {
        return new DeserializationException("failed to deserialize", data, false, cause);
    }

    @Test
    void aDecodingFailureNamesItsOwnReason() {
        assertThat(RecordRejecter.reason(undecodable(new byte[] {1, 2}, new EventDecodingException.NotSingleObjectEncodedException("no marker"))))
                .isEqualTo("not-single-object");
        assertThat(RecordRejecter.reason(undecodable(new byte[] {1}, new EventDecodingException.UnknownSchemaException(42))))
                .isEqualTo("unknown-schema");
    }

    @Test
    void anyOtherDeserializationFailureIsUndecodable() {
        assertThat(RecordRejecter.reason(undecodable(new byte[] {(byte) 0xc3, 1}, new UnsupportedOperationException("2^31 chars"))))
                .isEqualTo("undecodable");
        assertThat(RecordRejecter.reason(undecodable(new byte[0], new EventDecodingException.NotSingleObjectEncodedException("0 bytes"))))
                .isEqualTo("empty");
    }

    @Test
    void listenerRefusalsKeepTheirReason() {
        assertThat(RecordRejecter.reason(new ListenerExecutionFailedException("listener failed",
                new RejectedRecordException("too-many-parameters", "65 parameters")))).isEqualTo("too-many-parameters");
        assertThat(RecordRejecter.reason(new ListenerExecutionFailedException("listener failed",
                new UnpublishableEventException("completion too large", null)))).isEqualTo("unpublishable-event");
        assertThat(RecordRejecter.reason(new IllegalStateException("?"))).isEqualTo("unexpected-error");
    }
}
