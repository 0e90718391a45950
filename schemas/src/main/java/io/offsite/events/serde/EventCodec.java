package io.offsite.events.serde;

import io.offsite.events.EventTrust;
import io.offsite.events.serde.EventDecodingException.EventTooLargeException;
import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import io.offsite.events.serde.EventDecodingException.NotSingleObjectEncodedException;
import io.offsite.events.serde.EventDecodingException.UnknownSchemaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of Offsite events: {@code C3 01}, the writer schema's 8-byte
 * little-endian Rabin fingerprint, then the Avro binary body.
 *
 * <p>Decoding reads the fingerprint, finds the writer schema among every version {@link EventSchemas}
 * ships, and resolves it against the current generated class of the same record name, so one topic can
 * carry several event types and several schema versions.
 *
 * <p>Decoding is total: any byte array either decodes or is refused with an {@link EventDecodingException} whose
 * {@link EventDecodingException#reason() reason} says why, in time and memory proportional to its size.
 */
public final class EventCodec {

    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    /**
     * The largest record {@link #decode} reads: 1 MiB, the Kafka producer's default {@code max.request.size}, so
     * every event a producer with default settings can publish fits. Offsite's events take a few hundred bytes.
     */
    public static final int MAX_EVENT_BYTES = 1024 * 1024;

    static {
        EventTrust.install();
    }

    private final EventSchemas schemas;
    /**
     * One reader per writer schema (known fingerprints only): building a resolving reader costs more than decoding
     * one event, and a reader is safe to share between threads.
     */
    private final Map<Long, SpecificDatumReader<SpecificRecord>> readers = new ConcurrentHashMap<>();

    public EventCodec() {
        this(EventSchemas.get());
    }

    EventCodec(EventSchemas schemas) {
        this.schemas = schemas;
    }

    public byte[] encode(SpecificRecord record) {
        Schema schema = record.getSchema();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(MARKER_0);
        out.write(MARKER_1);
        byte[] fp = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(EventSchemas.fingerprint(schema)).array();
        out.write(fp, 0, fp.length);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            new SpecificDatumWriter<SpecificRecord>(schema).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decodes one event, or throws an {@link EventDecodingException} saying why it cannot: nothing else escapes
     * for any input. The body is first checked against its writer schema ({@link EncodedBodyCheck}), so Avro
     * only reads bodies whose every length and count is backed by bytes: decoding takes time and memory in
     * proportion to the record's size, which is at most {@link #MAX_EVENT_BYTES}.
     *
     * <p>Errors are not caught: once the body is checked none can come from the record's content, so an
     * {@code OutOfMemoryError} here means the JVM is short of memory, and calling the record malformed would drop
     * a valid event.
     *
     * @throws EventTooLargeException above {@link #MAX_EVENT_BYTES}
     * @throws NotSingleObjectEncodedException without the single-object header
     * @throws UnknownSchemaException for a writer schema this version does not ship
     * @throws MalformedEventException for a body that is not a value of its writer schema
     */
    public SpecificRecord decode(byte[] bytes) {
        if (bytes != null && bytes.length > MAX_EVENT_BYTES) {
            throw new EventTooLargeException(bytes.length, MAX_EVENT_BYTES);
        }
        if (bytes == null || bytes.length < HEADER_LENGTH) {
            throw new NotSingleObjectEncodedException("not an Avro single-object encoded event: "
                    + (bytes == null ? "no bytes" : bytes.length + " bytes, a header alone needs " + HEADER_LENGTH));
        }
        if (bytes[0] != MARKER_0 || bytes[1] != MARKER_1) {
            throw new NotSingleObjectEncodedException(String.format(
                    "not an Avro single-object encoded event: expected marker C3 01, found %02X %02X%s",
                    bytes[0], bytes[1], bytes[0] == '{' ? " (looks like JSON; publish Avro single-object bytes)" : ""));
        }
        long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SpecificDatumReader<SpecificRecord> datumReader = readers.get(fingerprint);
        if (datumReader == null) {
            Schema writer = schemas.writerSchema(fingerprint);
            Schema reader = schemas.currentSchema(writer.getFullName()).orElseThrow(() -> new MalformedEventException(
                    "writer schema " + writer.getFullName() + " has no current event class", null));
            datumReader = readers.computeIfAbsent(fingerprint, f -> new SpecificDatumReader<>(writer, reader,
                    SpecificData.getForSchema(reader)));
        }
        Schema writer = datumReader.getSchema();
        try {
            EncodedBodyCheck.check(writer, bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
            return datumReader.read(null, decoder);
        } catch (MalformedEventException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedEventException("cannot decode " + writer.getFullName() + " body (fingerprint "
                    + String.format("%016x", fingerprint) + "): " + e, e);
        }
    }
}
