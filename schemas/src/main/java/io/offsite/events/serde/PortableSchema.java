package io.offsite.events.serde;

import io.offsite.events.v1.JobCompleted;
import io.offsite.events.v1.JobRequested;
import io.offsite.events.v1.JobStarted;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * The schemas of the current events as other languages should use them: self-contained (every named type inlined)
 * and free of Java-only attributes.
 *
 * <p>The generated Java classes mark every string with {@code "avro.java.string": "String"}. The Avro specification's
 * Parsing Canonical Form drops such attributes, so the fingerprint does not depend on them, but some libraries keep
 * {@code {"type": "string"}} in their canonical form for an annotated string and compute another fingerprint. The
 * portable schema has no such attribute; its fingerprint is the one the Java serializer writes.
 */
public final class PortableSchema {

    /** The attribute the Avro compiler adds to strings when the Java type is {@code String}. */
    public static final String JAVA_STRING_PROPERTY = "avro.java.string";

    private static final Set<String> JAVA_ONLY = Set.of(JAVA_STRING_PROPERTY);
    private static final List<Schema> EVENTS = List.of(
            JobRequested.getClassSchema(), JobStarted.getClassSchema(), JobCompleted.getClassSchema());

    private PortableSchema() {
    }

    /** The current record schemas of the events another system publishes or reads, in their Java form. */
    public static List<Schema> events() {
        return EVENTS;
    }

    /** The current record schema of an event by its simple name ({@code JobRequested}), or null. */
    public static Schema event(String simpleName) {
        return EVENTS.stream().filter(s -> s.getName().equals(simpleName)).findFirst().orElse(null);
    }

    /** {@code schema} without Java-only attributes. */
    public static Schema of(Schema schema) {
        Schema copy = new Copier().copy(schema);
        // parsing again gives back the logical types (timestamp-millis) as the parser sets them
        return new Schema.Parser().parse(copy.toString());
    }

    /** The text of the portable {@code .avsc} file: indented JSON ending with a new line. */
    public static String avsc(Schema schema) {
        return of(schema).toString(true) + "\n";
    }

    /** The CRC-64-AVRO fingerprint as 16 lower-case hex digits (most significant first). */
    public static String fingerprintHex(Schema schema) {
        return String.format(Locale.ROOT, "%016x", EventSchemas.fingerprint(schema));
    }

    /** The 10 header bytes of a single-object encoded record: {@code C3 01} and the fingerprint, little-endian. */
    public static byte[] header(Schema schema) {
        long fingerprint = EventSchemas.fingerprint(schema);
        byte[] header = new byte[10];
        header[0] = (byte) 0xC3;
        header[1] = 0x01;
        for (int i = 0; i < 8; i++) {
            header[2 + i] = (byte) (fingerprint >>> (8 * i));
        }
        return header;
    }

    /** Copies a schema, each named type once, leaving out Java-only attributes. */
    private static final class Copier {

        private final Map<String, Schema> named = new HashMap<>();

        Schema copy(Schema s) {
            return switch (s.getType()) {
                case RECORD -> record(s);
                case ENUM -> named(s, () -> Schema.createEnum(s.getName(), s.getDoc(), s.getNamespace(), s.getEnumSymbols(),
                        s.getEnumDefault()));
                case FIXED -> named(s, () -> Schema.createFixed(s.getName(), s.getDoc(), s.getNamespace(), s.getFixedSize()));
                case ARRAY -> props(s, Schema.createArray(copy(s.getElementType())));
                case MAP -> props(s, Schema.createMap(copy(s.getValueType())));
                case UNION -> Schema.createUnion(s.getTypes().stream().map(this::copy).toList());
                default -> props(s, Schema.create(s.getType()));
            };
        }

        private Schema record(Schema s) {
            Schema existing = named.get(s.getFullName());
            if (existing != null) {
                return existing;
            }
            Schema record = Schema.createRecord(s.getName(), s.getDoc(), s.getNamespace(), s.isError());
            named.put(s.getFullName(), record);
            s.getAliases().forEach(record::addAlias);
            props(s, record);
            List<Schema.Field> fields = new ArrayList<>();
            for (Schema.Field f : s.getFields()) {
                Schema.Field field = new Schema.Field(f.name(), copy(f.schema()), f.doc(), f.defaultVal(), f.order());
                f.aliases().forEach(field::addAlias);
                f.getObjectProps().forEach((k, v) -> {
                    if (!JAVA_ONLY.contains(k)) {
                        field.addProp(k, v);
                    }
                });
                fields.add(field);
            }
            record.setFields(fields);
            return record;
        }

        private Schema named(Schema s, java.util.function.Supplier<Schema> create) {
            return named.computeIfAbsent(s.getFullName(), n -> {
                Schema copy = create.get();
                s.getAliases().forEach(copy::addAlias);
                return props(s, copy);
            });
        }

        private static Schema props(Schema from, Schema to) {
            from.getObjectProps().forEach((k, v) -> {
                if (!JAVA_ONLY.contains(k)) {
                    to.addProp(k, v);
                }
            });
            return to;
        }
    }
}
