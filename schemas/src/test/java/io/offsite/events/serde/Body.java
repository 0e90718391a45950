package io.offsite.events.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/** Writes Avro binary by hand, for bodies no Avro writer would produce. */
final class Body {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Starts with the single-object header of {@code writer}. */
    static Body of(Schema writer) {
        Body body = new Body();
        body.out.write(0xC3);
        body.out.write(0x01);
        body.raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(EventSchemas.fingerprint(writer)).array());
        return body;
    }

    /** No header: a bare body. */
    static Body bare() {
        return new Body();
    }

    /** A zig-zag varint, as Avro writes int, long, lengths, counts and indexes. */
    Body varint(long value) {
        out.writeBytes(zigZag(value));
        return this;
    }

    Body string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        varint(utf8.length);
        return raw(utf8);
    }

    Body raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    Body raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    static byte[] zigZag(long value) {
        long n = (value << 1) ^ (value >> 63);
        ByteArrayOutputStream varint = new ByteArrayOutputStream(10);
        while ((n & ~0x7FL) != 0) {
            varint.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        varint.write((int) n);
        return varint.toByteArray();
    }
}
