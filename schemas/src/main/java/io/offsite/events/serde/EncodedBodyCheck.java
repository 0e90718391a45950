package io.offsite.events.serde;

import io.offsite.events.serde.EventDecodingException.MalformedEventException;
import java.util.function.IntConsumer;
import org.apache.avro.Schema;

/**
 * A structural check of an Avro binary body against its writer schema, run before Avro decodes it.
 *
 * <p>Avro trusts the lengths and counts it reads: it sizes a string buffer from the claimed length and
 * preallocates an array or map from the claimed item count before it looks for the bytes behind them, so
 * a 15-byte record claiming a 2 GB string or a 500-million-element array makes it throw whatever the JVM
 * throws (or allocate gigabytes). This check walks the body once, without allocating anything per value,
 * and refuses it unless every length and count is backed by the bytes that follow:
 * <ul>
 *   <li>int and long are zig-zag varints of at most 5 and 10 bytes that fit 32 and 64 bits;</li>
 *   <li>a boolean is one byte, 0 or 1; float and double are 4 and 8 bytes; fixed is its size;</li>
 *   <li>string and bytes lengths lie between 0 and the bytes left;</li>
 *   <li>enum symbol and union branch indexes lie within the schema's symbols and branches;</li>
 *   <li>array and map blocks: a count, or a negative count followed by the block's byte size (which must
 *       match the bytes its items take); no block claims more items than the bytes left can hold, an item
 *       taking at least the minimum encoded size of its schema (one byte where that minimum is zero);</li>
 *   <li>values nest at most {@value #MAX_DEPTH} deep (only a recursive schema could go further);</li>
 *   <li>the record ends exactly where the body ends.</li>
 * </ul>
 * Once it passes, Avro never allocates more than a small multiple of the body's size. The rules are
 * those of the Avro specification's binary encoding, read strictly where Avro's own reader is lenient
 * (a boolean byte other than 0 or 1, a varint whose last byte overflows its type): Avro's writer never
 * produces either.
 */
final class EncodedBodyCheck {

    static final int MAX_DEPTH = 64;

    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);

    private final byte[] bytes;
    private final int end;
    private final IntConsumer varintStarts;
    private int pos;
    private int depth;

    private EncodedBodyCheck(byte[] bytes, int offset, int length, IntConsumer varintStarts) {
        this.bytes = bytes;
        this.pos = offset;
        this.end = offset + length;
        this.varintStarts = varintStarts;
    }

    /**
     * Checks that {@code bytes[offset, offset + length)} is exactly one value of {@code writer}.
     *
     * @throws MalformedEventException naming the schema, the field path, the body offset and what is wrong
     */
    static void check(Schema writer, byte[] bytes, int offset, int length) {
        check(writer, bytes, offset, length, null);
    }

    /** As {@link #check(Schema, byte[], int, int)}, and reports the array index where each varint starts. */
    static void check(Schema writer, byte[] bytes, int offset, int length, IntConsumer varintStarts) {
        EncodedBodyCheck check = new EncodedBodyCheck(bytes, offset, length, varintStarts);
        try {
            check.value(writer);
            if (check.pos != check.end) {
                throw check.refuse(String.format("%d trailing bytes after the record", check.end - check.pos));
            }
        } catch (Refusal r) {
            throw new MalformedEventException(String.format("malformed %s body%s: %s (body byte %d of %d)",
                    writer.getFullName(), r.path.isEmpty() ? "" : " at " + r.path.substring(1), r.problem,
                    r.at - offset, length), null);
        }
    }

    private void value(Schema schema) {
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> {
                int b = take(1, "boolean");
                if (bytes[b] != 0 && bytes[b] != 1) {
                    throw refuseAt(b, String.format("boolean byte is %02X, not 00 or 01", bytes[b]));
                }
            }
            case INT -> readInt("int");
            case LONG -> readLong("long");
            case FLOAT -> take(4, "float");
            case DOUBLE -> take(8, "double");
            case FIXED -> take(schema.getFixedSize(), "fixed");
            case STRING, BYTES -> {
                int start = pos;
                long length = readLong("length");
                if (length < 0 || length > end - pos) {
                    throw refuseAt(start, String.format("%s length %d is %s", schema.getName(), length,
                            length < 0 ? "negative" : "more than the " + (end - pos) + " bytes left"));
                }
                pos += (int) length;
            }
            case ENUM -> {
                int start = pos;
                int index = readInt("enum index");
                if (index < 0 || index >= schema.getEnumSymbols().size()) {
                    throw refuseAt(start, String.format("enum %s index %d is outside 0..%d", schema.getFullName(),
                            index, schema.getEnumSymbols().size() - 1));
                }
            }
            case UNION -> {
                int start = pos;
                int index = readInt("union index");
                if (index < 0 || index >= schema.getTypes().size()) {
                    throw refuseAt(start, String.format("union index %d is outside 0..%d %s", index,
                            schema.getTypes().size() - 1, schema.getTypes().stream().map(Schema::getName).toList()));
                }
                nested(schema.getTypes().get(index), null);
            }
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    nested(field.schema(), field.name());
                }
            }
            case ARRAY -> blocks(schema.getElementType(), null, "array");
            case MAP -> blocks(schema.getValueType(), MAP_KEY, "map");
        }
    }

    private void nested(Schema schema, String step) {
        if (++depth > MAX_DEPTH) {
            throw refuse("values nest deeper than " + MAX_DEPTH);
        }
        try {
            value(schema);
        } catch (Refusal r) {
            throw step == null ? r : r.within("." + step);
        }
        depth--;
    }

    private void blocks(Schema item, Schema key, String kind) {
        long minItemBytes = Math.max(1, minimumSize(item, 0) + (key == null ? 0 : 1));
        long index = 0;
        int collectionStart = pos;
        while (true) {
            int countStart = pos;
            long count = readLong("block count");
            if (count == 0) {
                return;
            }
            long blockBytes = -1;
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw refuseAt(countStart, kind + " block count " + count + " has no absolute value");
                }
                count = -count;
                int sizeStart = pos;
                blockBytes = readLong("block byte size");
                if (blockBytes < 0 || blockBytes > end - pos) {
                    throw refuseAt(sizeStart, String.format("%s block byte size %d is %s", kind, blockBytes,
                            blockBytes < 0 ? "negative" : "more than the " + (end - pos) + " bytes left"));
                }
            }
            long left = blockBytes >= 0 ? blockBytes : end - pos;
            if (count > left / minItemBytes) {
                throw refuseAt(countStart, String.format("%s block claims %d items but the %d bytes left hold at most %d",
                        kind, count, left, left / minItemBytes));
            }
            if (index + count > end - collectionStart) {
                throw refuseAt(countStart, String.format("%s claims %d items, more than the %d bytes from its start to the end",
                        kind, index + count, end - collectionStart));
            }
            int itemsStart = pos;
            for (long i = 0; i < count; i++, index++) {
                try {
                    if (key != null) {
                        nested(key, null);
                    }
                    nested(item, null);
                } catch (Refusal r) {
                    throw r.within("[" + index + "]");
                }
            }
            if (blockBytes >= 0 && pos - itemsStart != blockBytes) {
                throw refuseAt(itemsStart, String.format("%s block says %d bytes but its items take %d", kind,
                        blockBytes, pos - itemsStart));
            }
        }
    }

    /** The fewest bytes a value of {@code schema} can be encoded in. */
    static long minimumSize(Schema schema, int depth) {
        if (depth > MAX_DEPTH) {
            return 0; // a recursive schema: its deepest branch must be a null or an empty array anyway
        }
        return switch (schema.getType()) {
            case NULL -> 0;
            case BOOLEAN, INT, LONG, STRING, BYTES, ENUM, ARRAY, MAP -> 1;
            case FLOAT -> 4;
            case DOUBLE -> 8;
            case FIXED -> schema.getFixedSize();
            case UNION -> 1 + schema.getTypes().stream().mapToLong(s -> minimumSize(s, depth + 1)).min().orElse(0);
            case RECORD -> schema.getFields().stream().mapToLong(f -> minimumSize(f.schema(), depth + 1)).sum();
        };
    }

    private int readInt(String what) {
        int start = pos;
        long raw = varint(5, what);
        if (raw >>> 32 != 0) {
            throw refuseAt(start, what + " varint does not fit 32 bits");
        }
        int n = (int) raw;
        return (n >>> 1) ^ -(n & 1);
    }

    private long readLong(String what) {
        long raw = varint(10, what);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** The raw (still zig-zag encoded) bits of a varint of at most {@code maxBytes} bytes. */
    private long varint(int maxBytes, String what) {
        int start = pos;
        if (varintStarts != null) {
            varintStarts.accept(start);
        }
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos == end) {
                throw refuseAt(start, what + " varint is cut off by the end of the body");
            }
            int b = bytes[pos++] & 0xff;
            if (i == 9 && b > 1) {
                throw refuseAt(start, what + " varint does not fit 64 bits");
            }
            raw |= (long) (b & 0x7f) << (7 * i);
            if (b < 0x80) {
                return raw;
            }
        }
        throw refuseAt(start, String.format("%s varint is longer than %d bytes", what, maxBytes));
    }

    /** Consumes {@code n} bytes and returns where they start. */
    private int take(int n, String what) {
        if (n > end - pos) {
            throw refuse(String.format("%s needs %d bytes, %d left", what, n, end - pos));
        }
        int start = pos;
        pos += n;
        return start;
    }

    private Refusal refuse(String problem) {
        return refuseAt(pos, problem);
    }

    private static Refusal refuseAt(int at, String problem) {
        return new Refusal(at, problem);
    }

    /** Why the body was refused and where; carries no stack trace, as fuzzed input makes many. */
    private static final class Refusal extends RuntimeException {
        private final int at;
        private final String problem;
        private String path = "";

        Refusal(int at, String problem) {
            super(problem, null, false, false);
            this.at = at;
            this.problem = problem;
        }

        Refusal within(String step) {
            path = step + path;
            return this;
        }
    }
}
