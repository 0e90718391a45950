package io.offsite.events.serde;

import io.offsite.events.EventTrust;
import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import io.offsite.events.serde.EventDecodingException.NotSingleObjectEncodedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.AvroRuntimeException;
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
 */
public final class EventCodec {

    static final byte MARKER_0 = (byte) 0xC3;
    static final byte MARKER_1 = (byte) 0x01;
    static final int HEADER_LENGTH = 10;

    static {
        EventTrust.install();
    }

    private final EventSchemas schemas;

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

    public SpecificRecord decode(byte[] bytes) {
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
        Schema writer = schemas.writerSchema(fingerprint);
        Schema reader = schemas.currentSchema(writer.getFullName()).orElseThrow(() -> new MalformedEventException(
                "writer schema " + writer.getFullName() + " has no current event class", null));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
        try {
            SpecificDatumReader<SpecificRecord> datumReader = new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
            SpecificRecord record = datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new MalformedEventException(String.format("%s body has %d trailing bytes after the record",
                        writer.getFullName(), remaining(decoder)), null);
            }
            return record;
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException
                 | ClassCastException | IllegalArgumentException e) {
            throw new MalformedEventException("cannot decode " + writer.getFullName() + " body (fingerprint "
                    + String.format("%016x", fingerprint) + "): " + e, e);
        }
    }

    private static int remaining(BinaryDecoder decoder) {
        try {
            return decoder.inputStream().available();
        } catch (IOException e) {
            return -1;
        }
    }
}
