package io.offsite.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.offsite.events.serde.EventDecodingException;
import io.offsite.worker.runtime.UnpublishableEventException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaHeaders;
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

    @Test
    void theDetailIsTheSpecificMessageNotTheWrapper() {
        assertThat(RecordRejecter.detail(undecodable(new byte[] {0, 0x6e}, new EventDecodingException.NotSingleObjectEncodedException(
                "not an Avro single-object encoded event: expected marker C3 01, found 00 6E"))))
                .isEqualTo("not an Avro single-object encoded event: expected marker C3 01, found 00 6E");
        assertThat(RecordRejecter.detail(undecodable(new byte[] {1}, new EventDecodingException.UnknownSchemaException(0x0123456789abcdefL))))
                .contains("fingerprint 0123456789abcdef");
        assertThat(RecordRejecter.detail(undecodable(new byte[0], new EventDecodingException.NotSingleObjectEncodedException("0 bytes"))))
                .contains("empty");
        assertThat(RecordRejecter.detail(new ListenerExecutionFailedException("listener failed",
                new RejectedRecordException("too-many-parameters", "65 parameters, at most 64")))).isEqualTo("65 parameters, at most 64");
        assertThat(RecordRejecter.detail(new IllegalStateException("wrapped", new ArithmeticException("/ by zero"))))
                .isEqualTo("ArithmeticException: / by zero");
    }

    @Test
    void theDetailIsOneBoundedLine() {
        String hostile = "line\nbreak" + "x".repeat(5000);
        String detail = RecordRejecter.detail(new ListenerExecutionFailedException("listener failed",
                new RejectedRecordException("field-too-long", hostile)));
        assertThat(detail).doesNotContain("\n").hasSizeLessThan(600);
    }

    @Test
    void springsExceptionMessageHeaderStatesReasonAndDetail() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, "failed to deserialize".getBytes(StandardCharsets.UTF_8));
        headers.add(RecordRejecter.REASON_HEADER, "not-single-object".getBytes(StandardCharsets.UTF_8));
        headers.add(RecordRejecter.DETAIL_HEADER, "expected marker C3 01, found 00 6E".getBytes(StandardCharsets.UTF_8));
        RecordRejecter.statesTheReason(headers);
        assertThat(headers.headers(KafkaHeaders.DLT_EXCEPTION_MESSAGE)).singleElement()
                .satisfies(h -> assertThat(new String(h.value(), StandardCharsets.UTF_8))
                        .isEqualTo("not-single-object: expected marker C3 01, found 00 6E"));
    }
}
